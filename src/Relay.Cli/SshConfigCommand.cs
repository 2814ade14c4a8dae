using System.Text;
using System.Text.RegularExpressions;

namespace Relay.Cli;

/// <summary>
/// <c>relay ssh-config HOST-PATTERN URL-TEMPLATE [client options]</c>: prints a ready ~/.ssh/config block whose
/// ProxyCommand runs this relay binary as the stdio client. The URL template keeps ssh's tokens (%h, %p, %r, %n) for
/// ssh to expand; client options after the two arguments (-H, --proxy, --ca-cert, …) are checked as the client
/// would check them and carried into the ProxyCommand, shell-quoted, with a literal % doubled for ssh.
/// </summary>
internal static partial class SshConfigCommand
{
    private const string UsageText = "usage: relay ssh-config HOST-PATTERN ws[s]://URL-TEMPLATE [client options such as -H, --proxy, --ca-cert]";

    public static ParseOutcome Parse(string[] args) => ParseWith(args, Environment.ProcessPath ?? "relay");

    /// <summary>Parses and renders with <paramref name="relayPath"/> as the binary in the ProxyCommand.</summary>
    public static ParseOutcome ParseWith(string[] args, string relayPath)
    {
        if (args.Length > 0 && args[0] is "-h" or "--help" or "-?")
        {
            return new ParseOutcome.Print($"""
                {UsageText}

                Prints a ~/.ssh/config block, e.g. for relay ssh-config 'sbx-*' 'wss://8081-%h.sandbox.example':
                  Host sbx-*
                      ProxyCommand /path/to/relay --binary -B 65536 - wss://8081-%h.sandbox.example
                      ServerAliveInterval 30
                ssh expands %h (host), %p (port), %r (user) and %n (the name as typed) in the URL template.

                """);
        }

        if (args.Length < 2)
        {
            return CommandLine.Usage(UsageText);
        }

        var pattern = args[0];
        var template = args[1];
        if (pattern.Length == 0 || pattern.Any(char.IsWhiteSpace) || pattern.Contains('"', StringComparison.Ordinal))
        {
            return CommandLine.Usage($"ssh-config: the host pattern must be one word without spaces or quotes, not '{pattern}'");
        }

        if (!template.StartsWith("ws://", StringComparison.OrdinalIgnoreCase) && !template.StartsWith("wss://", StringComparison.OrdinalIgnoreCase))
        {
            return CommandLine.Usage($"ssh-config: the URL template must start with ws:// or wss://, not '{template}'");
        }

        if (template.AsSpan().ContainsAny("\r\n"))
        {
            return CommandLine.Usage("ssh-config: the URL template holds a line break");
        }

        var extras = Absolutize(args[2..]);
        if (Validate(template, extras) is { } problem)
        {
            return CommandLine.Usage($"ssh-config: {problem}");
        }

        var command = new StringBuilder()
            .Append(ShellQuote(relayPath)).Append(" --binary -B 65536");
        foreach (var extra in extras)
        {
            command.Append(' ').Append(ShellQuote(extra).Replace("%", "%%", StringComparison.Ordinal));
        }

        command.Append(" - ").Append(ShellQuote(template));
        return new ParseOutcome.Print($"Host {pattern}\n    ProxyCommand {command}\n    ServerAliveInterval 30\n");
    }

    /// <summary>Checks the client options as the ProxyCommand will parse them: ssh's tokens stand in as plain letters,
    /// and ${NAME} in headers need not be set now, only when ssh runs the command.</summary>
    private static string? Validate(string template, string[] extras)
    {
        var url = SshToken().Replace(template, m => m.Value == "%%" ? "%25" : "x");
        var environment = new Dictionary<string, string?>(CommandLine.ProcessEnvironment(), StringComparer.Ordinal);
        foreach (var extra in extras)
        {
            foreach (Match variable in HeaderVariable().Matches(extra))
            {
                environment.TryAdd(variable.Groups[1].Value, "x");
            }
        }

        return CommandLine.ParseWith([.. extras, "-", url], environment) switch
        {
            ParseOutcome.UsageError usage => usage.Message,
            ParseOutcome.Run { Options.Mode: Mode.StdioClient } => null,
            _ => "only client options may follow HOST-PATTERN and URL-TEMPLATE",
        };
    }

    /// <summary>ssh runs the ProxyCommand from whatever directory ssh was started in: file paths become absolute.</summary>
    private static string[] Absolutize(string[] extras)
    {
        var result = (string[])extras.Clone();
        for (var i = 0; i + 1 < result.Length; i++)
        {
            if (result[i] is "--ca-cert" or "--client-cert" or "--client-key" && result[i + 1].Length > 0)
            {
                result[i + 1] = Path.GetFullPath(result[i + 1]);
                i++;
            }
        }

        return result;
    }

    /// <summary>Quotes for /bin/sh, which ssh runs the ProxyCommand with: single quotes unless every character is safe.</summary>
    internal static string ShellQuote(string value)
    {
        return value.Length > 0 && !UnsafeForShell().IsMatch(value)
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    [GeneratedRegex("%.")]
    private static partial Regex SshToken();

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex HeaderVariable();

    [GeneratedRegex(@"[^A-Za-z0-9_@%+=:,./-]")]
    private static partial Regex UnsafeForShell();
}
