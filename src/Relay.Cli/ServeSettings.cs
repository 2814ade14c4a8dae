using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Relay.Cli;

/// <summary>
/// The layers of `relay serve` configuration, each read by Microsoft.Extensions.Configuration: the JSON file
/// (--config), RELAY_* environment variables, and flags. A setting comes whole from the highest layer that has it
/// (flags, then environment, then file), lists included: `--listen` twice replaces the file's listeners rather than
/// merging with them index by index, which is what layered IConfiguration would do.
/// </summary>
internal sealed class ServeSettings
{
    private readonly IConfiguration? _file;
    private readonly string? _fileName;
    private readonly IConfiguration _environment;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _flags;

    public ServeSettings(string? configPath, IReadOnlyDictionary<string, IReadOnlyList<string>> flags, IDictionary<string, string?>? environment = null)
    {
        if (configPath is not null)
        {
            var full = Path.GetFullPath(configPath);
            _file = new ConfigurationBuilder().AddJsonFile(full, optional: false, reloadOnChange: false).Build();
            _fileName = Path.GetFileName(full);
        }

        var environmentBuilder = new ConfigurationBuilder();
        if (environment is null)
        {
            environmentBuilder.AddEnvironmentVariables("RELAY_");
        }
        else
        {
            // Tests pass the variables in; the same prefix rule as AddEnvironmentVariables.
            environmentBuilder.AddInMemoryCollection(environment
                .Where(e => e.Key.StartsWith("RELAY_", StringComparison.OrdinalIgnoreCase))
                .Select(e => new KeyValuePair<string, string?>(e.Key["RELAY_".Length..].Replace("__", ":", StringComparison.Ordinal), e.Value)));
        }

        _environment = environmentBuilder.Build();
        _flags = flags;
    }

    /// <summary>A setting's value and where it came from, for error messages that point at the right place.</summary>
    public readonly record struct Value(IReadOnlyList<string> Items, string Source)
    {
        public string? Single => Items.Count > 0 ? Items[^1] : null;
    }

    /// <summary>
    /// Looks a setting up by its flag name (without dashes, e.g. "max-sessions"): the flag, RELAY_MAX_SESSIONS, then
    /// the file's "maxSessions" (or "max-sessions"). Null when no layer has it.
    /// </summary>
    public Value? Get(string name, bool list = false)
    {
        if (_flags.TryGetValue(name, out var flag) && flag.Count > 0)
        {
            return new Value(flag, $"--{name}");
        }

        var environmentKey = name.Replace('-', '_').ToUpperInvariant();
        if (Read(_environment, environmentKey, list) is { } fromEnvironment)
        {
            return new Value(fromEnvironment, $"RELAY_{environmentKey}");
        }

        if (_file is not null)
        {
            foreach (var key in new[] { CamelCase(name), name })
            {
                if (Read(_file, key, list) is { } fromFile)
                {
                    return new Value(fromFile, $"{key} in {_fileName}");
                }
            }
        }

        return null;
    }

    /// <summary>The routes: `--route /ssh=tcp:…` flags, RELAY_ROUTE="/ssh=tcp:…,/vnc=…", or the file's "routes" object.</summary>
    public (IReadOnlyList<KeyValuePair<string, string>> Routes, string Source)? GetRoutes()
    {
        if (Get("route", list: true) is { } flat && flat.Source != $"route in {_fileName}")
        {
            var pairs = new List<KeyValuePair<string, string>>();
            foreach (var item in flat.Items)
            {
                var equals = item.IndexOf('=', StringComparison.Ordinal);
                pairs.Add(equals < 0 ? new(item, string.Empty) : new(item[..equals], item[(equals + 1)..]));
            }

            return (pairs, flat.Source);
        }

        if (_file?.GetSection("routes") is { } section && section.GetChildren().Any())
        {
            return (section.GetChildren().Select(c => new KeyValuePair<string, string>(c.Key, c.Value ?? string.Empty)).ToList(), $"routes in {_fileName}");
        }

        return null;
    }

    private static List<string>? Read(IConfiguration configuration, string key, bool list)
    {
        var section = configuration.GetSection(key);
        var children = section.GetChildren().ToList();
        if (children.Count > 0)
        {
            // A JSON array (listen: [...]) or RELAY_LISTEN__0, RELAY_LISTEN__1.
            return children.OrderBy(c => int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : int.MaxValue)
                .Select(c => c.Value ?? string.Empty).ToList();
        }

        if (section.Value is not { } value)
        {
            return null;
        }

        // A list in one string: comma-separated (RELAY_LISTEN="ws://0.0.0.0:8081,wss://0.0.0.0:8443").
        return !list ? [value] : value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    private static string CamelCase(string name)
    {
        var parts = name.Split('-');
        return parts[0] + string.Concat(parts.Skip(1).Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));
    }
}
