using System.Globalization;

namespace Relay.Cli;

/// <summary>The kinds of websocat address specifiers Relay accepts.</summary>
internal enum SpecifierKind
{
    Stdio,
    WebSocketClient,
    WebSocketListener,
    Tcp,
    TcpListener,
    Unix,
    /// <summary><c>echo:</c>: each session echoes its own bytes (the forwarder's target only; for benchmarks).</summary>
    Echo,
}

/// <summary>One parsed positional specifier: <c>-</c>, <c>ws[s]://…</c>, <c>ws-l:HOST:PORT</c>, <c>tcp:HOST:PORT</c>,
/// <c>tcp-l:HOST:PORT</c>, <c>unix:PATH</c> or <c>echo:</c>.</summary>
internal sealed record Specifier(SpecifierKind Kind, string Text, string Host = "", int Port = 0, Uri? Uri = null, string Path = "")
{
    /// <summary>Parses one specifier, or returns the usage message that says what is wrong with it.</summary>
    public static Specifier? TryParse(string text, out string? error)
    {
        error = null;
        if (text == "-")
        {
            return new Specifier(SpecifierKind.Stdio, text);
        }

        if (text.StartsWith("ws://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("wss://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            {
                error = $"'{text}' is not a valid WebSocket URL (example: wss://host:443/path)";
                return null;
            }

            return new Specifier(SpecifierKind.WebSocketClient, text, uri.Host, uri.Port, uri);
        }

        foreach (var (prefix, kind) in new[] { ("ws-l:", SpecifierKind.WebSocketListener), ("tcp-l:", SpecifierKind.TcpListener), ("tcp:", SpecifierKind.Tcp) })
        {
            if (text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                var rest = text[prefix.Length..];
                if (!TrySplitHostPort(rest, out var host, out var port))
                {
                    error = $"'{text}' needs HOST:PORT after '{prefix}' (example: {prefix}127.0.0.1:8080)";
                    return null;
                }

                return new Specifier(kind, text, host, port);
            }
        }

        if (text.Equals("echo:", StringComparison.OrdinalIgnoreCase))
        {
            return new Specifier(SpecifierKind.Echo, text);
        }

        if (text.StartsWith("unix:", StringComparison.OrdinalIgnoreCase) && text.Length > 5)
        {
            return new Specifier(SpecifierKind.Unix, text, Path: text[5..]);
        }

        error = $"unsupported specifier '{text}': use -, ws://…, wss://…, ws-l:HOST:PORT, tcp:HOST:PORT, tcp-l:HOST:PORT, unix:PATH or echo:";
        return null;
    }

    private static bool TrySplitHostPort(string text, out string host, out int port)
    {
        host = string.Empty;
        port = 0;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
        {
            return false;
        }

        host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1]; // [::1]:8080
        }

        return host.Length > 0;
    }
}
