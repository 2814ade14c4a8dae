using Relay.Core.Hosting;
using Relay.Core.Relaying;

namespace Relay.Cli;

/// <summary>The three websocat-compatible modes.</summary>
internal enum Mode
{
    /// <summary><c>- ws[s]://…</c>: stdin/stdout ⇄ a WebSocket client (SSH ProxyCommand).</summary>
    StdioClient,
    /// <summary><c>ws-l:HOST:PORT tcp:HOST:PORT</c>: accept WebSocket clients, relay each to the target.</summary>
    WebSocketForwarder,
    /// <summary><c>tcp-l:HOST:PORT ws[s]://…</c>: accept TCP clients, relay each over its own WebSocket.</summary>
    TcpForwarder,
}

/// <summary>Everything the command line says, validated: what <see cref="CommandLine.Parse"/> produces.</summary>
internal sealed record CliOptions(
    Mode Mode,
    Specifier Left,
    Specifier Right,
    RelayOptions Relay,
    ClientOptions Client,
    bool BinaryImplied,
    bool Quiet,
    bool Verbose);
