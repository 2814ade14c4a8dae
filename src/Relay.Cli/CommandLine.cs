using System.CommandLine;
using System.CommandLine.Invocation;
using System.Globalization;
using System.Reflection;
using Relay.Core.Framing;
using Relay.Core.Hosting;
using Relay.Core.Relaying;

namespace Relay.Cli;

/// <summary>
/// The command line as a pure function from <c>string[]</c> to <see cref="ParseOutcome"/>: websocat's positional
/// specifiers and the subset of its options that Relay implements, with the same names and meanings.
/// </summary>
internal static class CommandLine
{
    private const string Description = """
        relay: a WebSocket ⇄ TCP relay that accepts websocat's command lines.

        Modes:
          relay --binary -B 65536 - wss://host/path            stdin/stdout ⇄ WebSocket (SSH ProxyCommand)
          relay -b --exit-on-eof ws-l:0.0.0.0:8081 tcp:127.0.0.1:22   WebSocket server ⇄ TCP target
          relay -b tcp-l:127.0.0.1:2222 wss://host/path        local TCP port ⇄ WebSocket
          relay -b ws-l:127.0.0.1:8081 echo:                    WebSocket server that echoes (for benchmarks)
          relay bench ws://127.0.0.1:8081/ --workload rtt       load generator; see relay bench --help
          relay ssh-config 'sbx-*' 'wss://8081-%h.example'      print a ~/.ssh/config block using relay as ProxyCommand

        Proxy: --proxy, else wss_proxy/https_proxy/HTTPS_PROXY (wss://) or ws_proxy/http_proxy (ws://), then
        all_proxy/ALL_PROXY; NO_PROXY or --noproxy lists hosts to reach directly (as curl). -H values take ${NAME}
        from the environment ($$ is a literal $).

        Exit codes: 0 normal end, 1 runtime failure, 2 usage error, 3 could not connect (DNS, TCP, proxy, timeout),
          4 TLS failure, 5 upgrade refused (HTTP 401, 403, 404, 503, ...), 6 target unreachable (the server answered
          502), 7 closed abnormally by the server (close code other than 1000/1001, connection lost, ping timeout).
        """;

    private static readonly Option<bool> s_binary = new("--binary", "-b") { Description = "Send binary messages (the default)" };
    private static readonly Option<bool> s_text = new("--text", "-t") { Description = "Send text messages" };
    private static readonly Option<string?> s_bufferSize = new("--buffer-size", "-B") { Description = "Per-direction buffer in bytes; one read becomes one message [default: 65536]", HelpName = "BYTES" };
    private static readonly Option<bool> s_exitOnEof = new("--exit-on-eof", "-E") { Description = "End the session at the first EOF in either direction" };
    private static readonly Option<string[]> s_header = new("--header", "-H") { Description = "Extra request header, repeatable", HelpName = "\"Name: value\"", Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string?> s_protocol = new("--protocol") { Description = "Sec-WebSocket-Protocol to request", HelpName = "PROTO" };
    private static readonly Option<string?> s_origin = new("--origin") { Description = "Origin header to send", HelpName = "URL" };
    private static readonly Option<bool> s_insecure = new("--insecure", "-k") { Description = "Accept any TLS certificate (says so on stderr)" };
    private static readonly Option<string?> s_caCert = new("--ca-cert") { Description = "Also trust the CA certificates in this PEM file (wss://)", HelpName = "FILE" };
    private static readonly Option<string?> s_clientCert = new("--client-cert") { Description = "Present this PEM certificate (mutual TLS)", HelpName = "FILE" };
    private static readonly Option<string?> s_clientKey = new("--client-key") { Description = "The PEM private key of --client-cert [default: in the certificate file]", HelpName = "FILE" };
    private static readonly Option<string?> s_proxy = new("--proxy") { Description = "http://[user:pass@]host:port (CONNECT) or socks5[h]://[user:pass@]host:port; '' = none [default: from HTTPS_PROXY etc., as curl]", HelpName = "URL" };
    private static readonly Option<string?> s_socks5 = new("--socks5") { Description = "websocat's spelling of --proxy socks5h://HOST:PORT (the proxy resolves the host name)", HelpName = "HOST:PORT" };
    private static readonly Option<string?> s_socks5UserPass = new("--socks5-user-pass") { Description = "User and password for --socks5 (RFC 1929)", HelpName = "USER:PASS" };
    private static readonly Option<string?> s_noProxy = new("--noproxy") { Description = "Hosts to reach directly, as NO_PROXY: '*', domains, IPs, CIDR, host:port", HelpName = "LIST" };
    private static readonly Option<string?> s_connectTimeout = new("--connect-timeout") { Description = "Bound on DNS, TCP, proxy, TLS and the upgrade together [default: 15]", HelpName = "SECONDS" };
    private static readonly Option<string?> s_pingInterval = new("--ping-interval") { Description = "Ping after this many seconds without inbound traffic; 0 = off [default: 25]", HelpName = "SECONDS" };
    private static readonly Option<string?> s_pingTimeout = new("--ping-timeout") { Description = "End a session silent this long after a ping; 0 = never [default: 0]", HelpName = "SECONDS" };
    private static readonly Option<string?> s_closeTimeout = new("--close-timeout") { Description = "How long to wait for the other side to finish once a close started [default: 2]", HelpName = "SECONDS" };
    private static readonly Option<string?> s_maxMessageSize = new("--max-message-size") { Description = "Close with 1009 when an incoming message is larger; 0 = unlimited [default: 0]", HelpName = "BYTES" };
    private static readonly Option<bool> s_quiet = new("-q") { Description = "Print nothing but errors" };
    private static readonly Option<bool> s_verbose = new("-v") { Description = "Log every session; stack traces on failure" };
    private static readonly Argument<string[]> s_specifiers = new("specifiers") { Description = "Two addresses: - | ws[s]://… | ws-l:HOST:PORT | tcp:HOST:PORT | tcp-l:HOST:PORT | unix:PATH | echo:", Arity = ArgumentArity.ZeroOrMore };

    private static readonly RootCommand s_root = CreateRoot();

    private static RootCommand CreateRoot()
    {
        var root = new RootCommand(Description);
        foreach (Option option in new Option[] { s_binary, s_text, s_bufferSize, s_exitOnEof, s_header, s_protocol, s_origin, s_insecure, s_caCert, s_clientCert, s_clientKey, s_proxy, s_socks5, s_socks5UserPass, s_noProxy, s_connectTimeout, s_pingInterval, s_pingTimeout, s_closeTimeout, s_maxMessageSize, s_quiet, s_verbose })
        {
            root.Options.Add(option);
        }

        root.Arguments.Add(s_specifiers);

        // System.CommandLine prints the entry assembly's version, which is the host's when Parse runs in-process.
        foreach (var version in root.Options.OfType<VersionOption>())
        {
            version.Action = new PrintVersionAction();
        }

        return root;
    }

    public static ParseOutcome Parse(string[] args) => ParseWith(args, ProcessEnvironment());

    /// <summary>
    /// Parses <paramref name="args"/> with <paramref name="environment"/> standing for the process environment
    /// (header ${NAME} values, HTTPS_PROXY/ALL_PROXY/NO_PROXY), so tests need not change the real one.
    /// </summary>
    public static ParseOutcome ParseWith(string[] args, IReadOnlyDictionary<string, string?> environment)
    {
        if (args.Length > 0 && args[0] == "bench")
        {
            return BenchCommandLine.Parse(args[1..]);
        }

        if (args.Length > 0 && args[0] == "serve")
        {
            return ServeCommandLine.Parse(args[1..]);
        }

        if (args.Length > 0 && args[0] == "ssh-config")
        {
            return SshConfigCommand.Parse(args[1..]);
        }

        if (UnsupportedOptions.FindFirst(args, TakesValue) is { } unsupported)
        {
            return Usage($"{unsupported} is a websocat option that relay does not support; see relay --help");
        }

        var result = s_root.Parse(args);
        // With no action of our own, only --help and --version carry one: print what they print.
        if (result.Errors.Count == 0 && result.Action is not null)
        {
            var output = new StringWriter(CultureInfo.InvariantCulture);
            result.Invoke(new InvocationConfiguration { Output = output, Error = output });
            return new ParseOutcome.Print(output.ToString());
        }

        if (result.Errors.Count > 0)
        {
            return Usage(result.Errors[0].Message);
        }

        var positional = result.GetValue(s_specifiers) ?? [];
        if (positional.FirstOrDefault(a => a.StartsWith('-') && a != "-") is { } unknown)
        {
            return Usage($"unknown option {unknown}; see relay --help");
        }

        if (positional.Length != 2)
        {
            return Usage($"expected two addresses, got {positional.Length}; for example: relay --binary - wss://host/path");
        }

        var binary = result.GetValue(s_binary);
        var text = result.GetValue(s_text);
        if (binary && text)
        {
            return Usage("-b/--binary and -t/--text exclude each other");
        }

        if (!TryBytes(result.GetValue(s_bufferSize), "-B/--buffer-size", RelayOptions.DefaultBufferSize, RelayOptions.MinBufferSize, 16 * 1024 * 1024, out var bufferSize, out var error)
            || !TryBytes(result.GetValue(s_maxMessageSize), "--max-message-size", 0, 0, long.MaxValue, out var maxMessage, out error)
            || !TrySeconds(result.GetValue(s_pingInterval), "--ping-interval", 25, out var pingInterval, out error)
            || !TrySeconds(result.GetValue(s_pingTimeout), "--ping-timeout", 0, out var pingTimeout, out error)
            || !TrySeconds(result.GetValue(s_closeTimeout), "--close-timeout", 2, out var closeTimeout, out error)
            || !TrySeconds(result.GetValue(s_connectTimeout), "--connect-timeout", 15, out var connectTimeout, out error)
            || !TryHeaders(result.GetValue(s_header) ?? [], environment, out var headers, out error))
        {
            return Usage(error!);
        }

        var left = Specifier.TryParse(positional[0], out error);
        var right = left is null ? null : Specifier.TryParse(positional[1], out error);
        if (left is null || right is null)
        {
            return Usage(error!);
        }

        Mode mode;
        switch (left.Kind, right.Kind)
        {
            case (SpecifierKind.Stdio, SpecifierKind.WebSocketClient):
                mode = Mode.StdioClient;
                break;
            case (SpecifierKind.WebSocketListener, SpecifierKind.Tcp or SpecifierKind.Unix or SpecifierKind.Echo):
                mode = Mode.WebSocketForwarder;
                break;
            case (SpecifierKind.TcpListener, SpecifierKind.WebSocketClient):
                mode = Mode.TcpForwarder;
                break;
            default:
                return Usage($"relay does not relay '{left.Text}' to '{right.Text}'; supported: - ws[s]://…, ws-l:HOST:PORT tcp:HOST:PORT (or unix:PATH or echo:), tcp-l:HOST:PORT ws[s]://…");
        }

        if (connectTimeout <= TimeSpan.Zero)
        {
            return Usage("--connect-timeout takes a number of seconds above 0");
        }

        var client = new ClientOptions
        {
            Headers = headers,
            Protocol = result.GetValue(s_protocol),
            Origin = result.GetValue(s_origin),
            Insecure = result.GetValue(s_insecure),
            ConnectTimeout = connectTimeout,
        };
        var clientUri = mode == Mode.WebSocketForwarder ? null : right.Uri;
        if (!TrySocks5Proxy(result.GetValue(s_socks5), result.GetValue(s_socks5UserPass), result.GetValue(s_proxy), out var proxy, out error))
        {
            return Usage(error!);
        }

        if (clientUri is not null && !ClientSetup.TryApply(clientUri, result.GetValue(s_caCert), result.GetValue(s_clientCert), result.GetValue(s_clientKey), proxy, result.GetValue(s_noProxy), environment, ref client, out error))
        {
            return Usage(error!);
        }

        var relay = new RelayOptions
        {
            BufferSize = (int)bufferSize,
            MessageType = text ? Opcode.Text : Opcode.Binary,
            ExitOnEof = result.GetValue(s_exitOnEof),
            PingInterval = pingInterval,
            PingTimeout = pingTimeout,
            CloseTimeout = closeTimeout,
            MaxMessageSize = maxMessage,
        };
        return new ParseOutcome.Run(new CliOptions(mode, left, right, relay, client, BinaryImplied: !binary && !text, result.GetValue(s_quiet), result.GetValue(s_verbose)));
    }

    private static readonly Dictionary<string, string?> s_noEnvironment = [];

    /// <summary>The process environment as a dictionary (names are case-sensitive on Linux).</summary>
    internal static IReadOnlyDictionary<string, string?> ProcessEnvironment()
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = entry.Value as string;
        }

        return environment;
    }

    /// <summary>Whether <paramref name="token"/> is one of our options that takes the next token as its value.</summary>
    private static bool TakesValue(string token) =>
        s_root.Options.FirstOrDefault(o => o.Name == token || o.Aliases.Contains(token)) is { } option
        && option.ValueType != typeof(bool);

    /// <summary>A usage error is one line (DESIGN.md §5): line breaks from echoed input are shown escaped.</summary>
    internal static ParseOutcome.UsageError Usage(string message) =>
        new(message.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal));

    /// <summary>
    /// websocat's <c>--socks5 HOST:PORT</c> (and <c>--socks5-user-pass USER:PASS</c>) as the proxy URL --proxy takes:
    /// socks5h://, because websocat hands the proxy the host name from the URL. Either form, not both.
    /// </summary>
    private static bool TrySocks5Proxy(string? socks5, string? userPass, string? proxy, out string? result, out string? error)
    {
        result = proxy;
        error = null;
        if (socks5 is null)
        {
            if (userPass is not null)
            {
                error = "--socks5-user-pass goes with --socks5 HOST:PORT";
                return false;
            }

            return true;
        }

        if (proxy is not null)
        {
            error = "--socks5 and --proxy exclude each other; --socks5 HOST:PORT means --proxy socks5h://HOST:PORT";
            return false;
        }

        var colon = socks5.LastIndexOf(':');
        if (colon <= 0 || !ushort.TryParse(socks5.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port == 0)
        {
            error = $"--socks5 takes HOST:PORT, like 127.0.0.1:9050, not '{socks5}'";
            return false;
        }

        var credentials = string.Empty;
        if (userPass is not null)
        {
            var separator = userPass.IndexOf(':', StringComparison.Ordinal);
            if (separator <= 0)
            {
                error = "--socks5-user-pass takes USER:PASS";
                return false;
            }

            credentials = $"{Uri.EscapeDataString(userPass[..separator])}:{Uri.EscapeDataString(userPass[(separator + 1)..])}@";
        }

        result = $"socks5h://{credentials}{socks5}";
        return true;
    }

    internal static bool TryBytes(string? value, string name, long fallback, long min, long max, out long bytes, out string? error)
    {
        error = null;
        bytes = fallback;
        if (value is null)
        {
            return true;
        }

        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out bytes) || bytes < min || bytes > max)
        {
            error = $"{name} takes a whole number of bytes from {min} to {max}, not '{value}'";
            return false;
        }

        return true;
    }

    internal static bool TrySeconds(string? value, string name, double fallback, out TimeSpan seconds, out string? error)
    {
        error = null;
        seconds = TimeSpan.FromSeconds(fallback);
        if (value is null)
        {
            return true;
        }

        if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed) || parsed is not (>= 0 and <= 86400 * 365))
        {
            error = $"{name} takes a number of seconds (0 = off), not '{value}'";
            return false;
        }

        seconds = TimeSpan.FromSeconds(parsed);
        return true;
    }

    internal static bool TryHeaders(string[] values, out IReadOnlyList<KeyValuePair<string, string>> headers, out string? error) =>
        TryHeaders(values, s_noEnvironment, out headers, out error);

    /// <summary>-H values: "Name: value", the value with ${NAME} taken from <paramref name="environment"/> and $$ a
    /// literal $; a variable that is not set is a usage error naming it.</summary>
    internal static bool TryHeaders(string[] values, IReadOnlyDictionary<string, string?> environment, out IReadOnlyList<KeyValuePair<string, string>> headers, out string? error)
    {
        var list = new List<KeyValuePair<string, string>>();
        headers = list;
        error = null;
        foreach (var value in values)
        {
            var colon = value.IndexOf(':', StringComparison.Ordinal);
            var name = colon > 0 ? value[..colon].Trim() : string.Empty;
            if (name.Length == 0 || name.AsSpan().ContainsAny(" \t\r\n") || value.AsSpan().ContainsAny("\r\n"))
            {
                error = $"-H takes \"Name: value\", not '{value}'";
                return false;
            }

            if (!HeaderValue.TryExpand(value[(colon + 1)..].Trim(), environment, out var expanded, out error))
            {
                error = $"-H {name}: {error}";
                return false;
            }

            if (expanded.AsSpan().ContainsAny("\r\n"))
            {
                error = $"-H {name}: the value from the environment holds a line break";
                return false;
            }

            list.Add(new(name, expanded));
        }

        return true;
    }

    /// <summary>--version: this assembly's informational version (0.1.0 from Directory.Build.props).</summary>
    private sealed class PrintVersionAction : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var version = typeof(CommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            parseResult.InvocationConfiguration.Output.WriteLine(version ?? "unknown");
            return 0;
        }
    }
}
