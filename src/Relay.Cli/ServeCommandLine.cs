using System.CommandLine;
using System.Globalization;
using System.Net;
using Relay.Core.Hosting;
using Relay.Core.Relaying;

namespace Relay.Cli;

/// <summary>
/// `relay serve`: the production server's flags (also the keys of its JSON config file and its RELAY_* environment
/// variables), parsed and validated into <see cref="ServeOptions"/>. Pure apart from reading the config and token files.
/// </summary>
internal static class ServeCommandLine
{
    private const string Description = """
        relay serve: the production WebSocket → TCP server (TLS, routes, auth, limits, keepalive, metrics, drain).

        Every flag is also a key of the --config JSON file (camelCase: maxSessions) and an environment variable
        (RELAY_MAX_SESSIONS); flags win over the environment, the environment over the file. The token itself may
        come from RELAY_TOKEN. Example:
          relay serve --listen ws://0.0.0.0:8081 --target tcp:127.0.0.1:22 --metrics 127.0.0.1:9090
        """;

    private static readonly Option<string?> s_config = new("--config") { Description = "JSON configuration file", HelpName = "FILE" };
    private static readonly Option<string[]> s_listen = Many("--listen", "ws://ADDR:PORT or wss://ADDR:PORT to listen on, repeatable", "URL");
    private static readonly Option<string?> s_tlsCert = new("--tls-cert") { Description = "PEM certificate (chain) for wss listeners; reloaded when it changes", HelpName = "FILE" };
    private static readonly Option<string?> s_tlsKey = new("--tls-key") { Description = "PEM private key for --tls-cert", HelpName = "FILE" };
    private static readonly Option<string?> s_target = new("--target") { Description = "Default route: tcp:HOST:PORT or unix:PATH", HelpName = "TARGET" };
    private static readonly Option<string[]> s_route = Many("--route", "Route a request path to a target, repeatable: /ssh=tcp:127.0.0.1:22", "/PATH=TARGET");
    private static readonly Option<string?> s_tokenFile = new("--token-file") { Description = "File holding the bearer token clients must send (or RELAY_TOKEN)", HelpName = "FILE" };
    private static readonly Option<string[]> s_allowOrigin = Many("--allow-origin", "Origin allowed to connect, repeatable; requests without Origin are let through", "ORIGIN");
    private static readonly Option<string?> s_maxSessions = new("--max-sessions") { Description = "Concurrent sessions before new ones get 503 [default: fits the open-file limit]", HelpName = "N" };
    private static readonly Option<string?> s_handshakeTimeout = new("--handshake-timeout") { Description = "Seconds for TLS, the upgrade request and dialling the target [default: 10]", HelpName = "SECONDS" };
    private static readonly Option<string?> s_idleTimeout = new("--idle-timeout") { Description = "Close a session with no data either way for this long; 0 = never [default: 0]", HelpName = "SECONDS" };
    private static readonly Option<string?> s_maxMessageSize = new("--max-message-size") { Description = "Close with 1009 when an incoming message is larger; 0 = unlimited [default: 0]", HelpName = "BYTES" };
    private static readonly Option<string?> s_bufferSize = new("--buffer-size", "-B") { Description = "Per-direction buffer in bytes [default: 65536]", HelpName = "BYTES" };
    private static readonly Option<string?> s_pingInterval = new("--ping-interval") { Description = "Ping a session after this long without inbound traffic; 0 = off [default: 25]", HelpName = "SECONDS" };
    private static readonly Option<string?> s_pingTimeout = new("--ping-timeout") { Description = "Close a session silent this long after a ping; 0 = never [default: 60]", HelpName = "SECONDS" };
    private static readonly Option<string?> s_metrics = new("--metrics") { Description = "Serve /healthz, /readyz and /metrics on this address [default: off]", HelpName = "ADDR:PORT" };
    private static readonly Option<string?> s_drainTimeout = new("--drain-timeout") { Description = "On SIGTERM, let sessions run this long before closing them with 1001 [default: 30]", HelpName = "SECONDS" };
    private static readonly Option<string?> s_logFormat = new("--log-format") { Description = "text or json [default: text]", HelpName = "FORMAT" };
    private static readonly Option<bool> s_reusePort = new("--reuse-port") { Description = "Set SO_REUSEPORT so a new relay can take the port over while this one drains" };
    private static readonly Option<bool> s_quiet = new("-q") { Description = "Log warnings and errors only" };
    private static readonly Option<bool> s_verbose = new("-v") { Description = "Log session starts too" };

    private static readonly Option[] s_valueOptions =
    [
        s_listen, s_tlsCert, s_tlsKey, s_target, s_route, s_tokenFile, s_allowOrigin, s_maxSessions, s_handshakeTimeout,
        s_idleTimeout, s_maxMessageSize, s_bufferSize, s_pingInterval, s_pingTimeout, s_metrics, s_drainTimeout, s_logFormat,
    ];

    private static readonly RootCommand s_command = CreateCommand();

    private static Option<string[]> Many(string name, string description, string helpName) =>
        new(name) { Description = description, HelpName = helpName, Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = false };

    private static RootCommand CreateCommand()
    {
        var command = new RootCommand(Description);
        command.Options.Add(s_config);
        foreach (var option in s_valueOptions)
        {
            command.Options.Add(option);
        }

        command.Options.Add(s_reusePort);
        command.Options.Add(s_quiet);
        command.Options.Add(s_verbose);
        foreach (var version in command.Options.OfType<VersionOption>().ToList())
        {
            command.Options.Remove(version);
        }

        return command;
    }

    public static ParseOutcome Parse(string[] args) => Parse(args, environment: null);

    /// <param name="environment">The RELAY_* variables to use instead of the process's (tests).</param>
    public static ParseOutcome Parse(string[] args, IDictionary<string, string?>? environment)
    {
        var result = s_command.Parse(args);
        if (result.Errors.Count == 0 && result.Action is not null)
        {
            var output = new StringWriter(CultureInfo.InvariantCulture);
            result.Invoke(new InvocationConfiguration { Output = output, Error = output });
            // The root command is named after the executable (testhost under a test runner): say what a user types.
            var text = output.ToString();
            const string UsageHeading = "Usage:\n  ";
            var usage = text.IndexOf(UsageHeading, StringComparison.Ordinal);
            var end = usage < 0 ? -1 : text.IndexOf(" [options]", usage, StringComparison.Ordinal);
            return new ParseOutcome.Print(end < 0 ? text : text[..(usage + UsageHeading.Length)] + "relay serve" + text[end..]);
        }

        if (result.Errors.Count > 0)
        {
            return CommandLine.Usage($"serve: {result.Errors[0].Message}");
        }

        var flags = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var option in s_valueOptions)
        {
            var tokens = result.GetResult(option)?.Tokens.Select(t => t.Value).ToList();
            if (tokens is { Count: > 0 })
            {
                flags[option.Name.TrimStart('-')] = tokens;
            }
        }

        if (result.GetValue(s_reusePort))
        {
            flags["reuse-port"] = ["true"];
        }

        ServeSettings settings;
        try
        {
            settings = new ServeSettings(result.GetValue(s_config), flags, environment);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or FormatException or UnauthorizedAccessException)
        {
            return CommandLine.Usage($"serve: --config: {ex.Message}");
        }

        return Resolve(settings, result.GetValue(s_quiet), result.GetValue(s_verbose), environment);
    }

    private static ParseOutcome Resolve(ServeSettings settings, bool quiet, bool verbose, IDictionary<string, string?>? environment)
    {
        string? error = null;
        var tlsCert = settings.Get("tls-cert")?.Single;
        var tlsKey = settings.Get("tls-key")?.Single;

        var listeners = new List<ServeListener>();
        if (settings.Get("listen", list: true) is { } listen)
        {
            foreach (var text in listen.Items)
            {
                if (!TryListener(text, out var listener))
                {
                    return CommandLine.Usage($"serve: {listen.Source} takes ws://ADDR:PORT or wss://ADDR:PORT, not '{text}'");
                }

                listeners.Add(listener!);
            }
        }

        var systemd = (environment is null ? Environment.GetEnvironmentVariable("LISTEN_FDS") : environment.TryGetValue("LISTEN_FDS", out var fds) ? fds : null) is { Length: > 0 };
        if (listeners.Count == 0 && !systemd)
        {
            return CommandLine.Usage("serve: nothing to listen on: give --listen ws://ADDR:PORT (or listen in the config file, RELAY_LISTEN)");
        }

        if (listeners.Any(l => l.Secure) && (tlsCert is null || tlsKey is null))
        {
            return CommandLine.Usage("serve: a wss:// listener needs --tls-cert FILE and --tls-key FILE");
        }

        if ((tlsCert is null) != (tlsKey is null))
        {
            return CommandLine.Usage("serve: --tls-cert and --tls-key go together");
        }

        Target? defaultTarget = null;
        if (settings.Get("target") is { } target && !TryTarget(target.Single!, out defaultTarget))
        {
            return CommandLine.Usage($"serve: {target.Source} takes tcp:HOST:PORT or unix:PATH, not '{target.Single}'");
        }

        var routes = new Dictionary<string, Target>(StringComparer.Ordinal);
        if (settings.GetRoutes() is { } routeSetting)
        {
            foreach (var (path, text) in routeSetting.Routes)
            {
                if (!path.StartsWith('/') || path.Contains('?', StringComparison.Ordinal) || !TryTarget(text, out var routeTarget))
                {
                    return CommandLine.Usage($"serve: {routeSetting.Source}: a route is /PATH=tcp:HOST:PORT or /PATH=unix:PATH, not '{path}={text}'");
                }

                if (!routes.TryAdd(path, routeTarget!))
                {
                    return CommandLine.Usage($"serve: {routeSetting.Source}: {path} is routed twice");
                }
            }
        }

        if (defaultTarget is null && routes.Count == 0)
        {
            return CommandLine.Usage("serve: nowhere to relay to: give --target tcp:HOST:PORT and/or --route /PATH=tcp:HOST:PORT");
        }

        BearerToken? token = null;
        if (settings.Get("token") is { } tokenValue)
        {
            token = tokenValue.Single is { Length: > 0 } secret ? new BearerToken(secret) : null;
        }

        if (settings.Get("token-file") is { } tokenFile)
        {
            try
            {
                token = BearerToken.FromFile(tokenFile.Single!);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                return CommandLine.Usage($"serve: {tokenFile.Source}: {ex.Message}");
            }
        }

        var origins = settings.Get("allow-origin", list: true)?.Items ?? [];

        if (!TryNumber(settings, "max-sessions", DefaultMaxSessions(), 1, int.MaxValue, out var maxSessions, out error)
            || !TryNumber(settings, "max-message-size", 0, 0, long.MaxValue, out var maxMessage, out error)
            || !TryNumber(settings, "buffer-size", RelayOptions.DefaultBufferSize, RelayOptions.MinBufferSize, 16 * 1024 * 1024, out var bufferSize, out error)
            || !TrySeconds(settings, "handshake-timeout", 10, out var handshakeTimeout, out error)
            || !TrySeconds(settings, "idle-timeout", 0, out var idleTimeout, out error)
            || !TrySeconds(settings, "ping-interval", 25, out var pingInterval, out error)
            || !TrySeconds(settings, "ping-timeout", 60, out var pingTimeout, out error)
            || !TrySeconds(settings, "drain-timeout", 30, out var drainTimeout, out error))
        {
            return CommandLine.Usage($"serve: {error}");
        }

        if (handshakeTimeout <= TimeSpan.Zero)
        {
            return CommandLine.Usage("serve: the handshake timeout must be more than 0 s");
        }

        EndPoint? metrics = null;
        if (settings.Get("metrics") is { } metricsSetting && !TryEndPoint(metricsSetting.Single!, out metrics))
        {
            return CommandLine.Usage($"serve: {metricsSetting.Source} takes ADDR:PORT (127.0.0.1:9090), not '{metricsSetting.Single}'");
        }

        var logFormat = settings.Get("log-format");
        if (logFormat?.Single is { } format && format is not ("text" or "json"))
        {
            return CommandLine.Usage($"serve: {logFormat.Value.Source} is text or json, not '{format}'");
        }

        var reusePort = settings.Get("reuse-port")?.Single is { } reuse && (reuse.Equals("true", StringComparison.OrdinalIgnoreCase) || reuse == "1");
        var relay = new RelayOptions
        {
            BufferSize = (int)bufferSize,
            MaxMessageSize = maxMessage,
            PingInterval = pingInterval,
            PingTimeout = pingTimeout,
            IdleTimeout = idleTimeout,
            ExitOnEof = true, // the forwarder's setting: the first EOF ends the session, without losing a byte (DESIGN.md §3)
        };
        return new ParseOutcome.Serve(new ServeOptions(
            listeners, tlsCert, tlsKey, defaultTarget, routes, token, origins, (int)maxSessions, handshakeTimeout, drainTimeout,
            metrics, logFormat?.Single == "json", reusePort, relay, quiet, verbose));
    }

    /// <summary>Each session holds two descriptors (client and target): cap sessions where the open-file limit would
    /// otherwise make accept fail, keeping some for listeners, logs and the metrics endpoint.</summary>
    internal static int DefaultMaxSessions()
    {
        var limit = OpenFileLimit();
        return limit <= 0 ? 10_000 : Math.Max(1, (int)Math.Min(int.MaxValue, (limit - 64) / 2));
    }

    private static long OpenFileLimit()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return long.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var soft) ? soft : -1;
                }
            }
        }
        catch (IOException)
        {
        }

        return -1;
    }

    private static bool TryListener(string text, out ServeListener? listener)
    {
        listener = null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("ws" or "wss") || uri.IsDefaultPort && !text.Contains(":" + uri.Port, StringComparison.Ordinal)
            || (uri.AbsolutePath != "/" && uri.AbsolutePath.Length > 0) || !TryEndPoint($"{uri.Host}:{uri.Port}", out var endPoint))
        {
            return false;
        }

        listener = new ServeListener(text, endPoint!, uri.Scheme == "wss");
        return true;
    }

    internal static bool TryEndPoint(string text, out EndPoint? endPoint)
    {
        endPoint = null;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            return false;
        }

        var host = text[..colon].Trim('[', ']');
        if (IPAddress.TryParse(host, out var address))
        {
            endPoint = new IPEndPoint(address, port);
            return true;
        }

        if (host == "localhost")
        {
            endPoint = new IPEndPoint(IPAddress.Loopback, port);
            return true;
        }

        return false;
    }

    private static bool TryTarget(string text, out Target? target)
    {
        target = null;
        var specifier = Specifier.TryParse(text, out _);
        target = specifier?.Kind switch
        {
            SpecifierKind.Tcp => Target.Tcp(specifier.Host, specifier.Port),
            SpecifierKind.Unix => Target.Unix(specifier.Path),
            SpecifierKind.Echo => Target.Echo,
            _ => null,
        };
        return target is not null;
    }

    private static bool TryNumber(ServeSettings settings, string name, long fallback, long min, long max, out long value, out string? error)
    {
        var setting = settings.Get(name);
        error = null;
        value = fallback;
        if (setting?.Single is not { } text)
        {
            return true;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) || value < min || value > max)
        {
            error = $"{setting!.Value.Source} takes a whole number from {min} to {max}, not '{text}'";
            return false;
        }

        return true;
    }

    private static bool TrySeconds(ServeSettings settings, string name, double fallback, out TimeSpan value, out string? error)
    {
        var setting = settings.Get(name);
        return CommandLine.TrySeconds(setting?.Single, setting?.Source ?? name, fallback, out value, out error);
    }
}
