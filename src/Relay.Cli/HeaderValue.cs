using System.Text;

namespace Relay.Cli;

/// <summary>
/// Expands a -H value: <c>${NAME}</c> becomes the environment variable NAME (so a token stays out of the command
/// line and ssh config: <c>-H 'Authorization: Bearer ${SANDBOX_TOKEN}'</c>), <c>$$</c> is a literal <c>$</c>, and
/// any other <c>$</c> is kept as written.
/// </summary>
internal static class HeaderValue
{
    public static bool TryExpand(string value, IReadOnlyDictionary<string, string?> environment, out string expanded, out string? error)
    {
        expanded = value;
        error = null;
        if (!value.Contains('$', StringComparison.Ordinal))
        {
            return true;
        }

        var builder = new StringBuilder(value.Length + 32);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c != '$' || i + 1 == value.Length)
            {
                builder.Append(c);
                continue;
            }

            if (value[i + 1] == '$')
            {
                builder.Append('$');
                i++;
                continue;
            }

            if (value[i + 1] != '{')
            {
                builder.Append(c);
                continue;
            }

            var close = value.IndexOf('}', i + 2);
            if (close < 0)
            {
                error = "'${' without a closing '}' (write $$ for a literal $)";
                return false;
            }

            var name = value[(i + 2)..close];
            if (name.Length == 0 || !IsName(name))
            {
                error = $"'${{{name}}}' is not an environment variable name";
                return false;
            }

            if (!environment.TryGetValue(name, out var replacement) || replacement is null)
            {
                error = $"environment variable {name} is not set";
                return false;
            }

            builder.Append(replacement);
            i = close;
        }

        expanded = builder.ToString();
        return true;
    }

    private static bool IsName(string name)
    {
        if (char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}
