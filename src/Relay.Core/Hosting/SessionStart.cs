using Relay.Core.Framing;
using Relay.Core.Transport;

namespace Relay.Core.Hosting;

/// <summary>
/// A connection that is ready to relay: both endpoints open, the handshake done. A listener's accept step returns
/// it and lets go of everything else the handshake needed, so an idle session keeps nothing of it.
/// </summary>
/// <param name="Route">The route that matched (a path, or "*" for the default route): what the session-end log line names.</param>
public sealed record SessionStart(
    ByteEndpoint WebSocket,
    WebSocketRole Role,
    ByteEndpoint Bytes,
    ReadOnlyMemory<byte> Prefix,
    string Remote,
    string Path,
    string Route = "*");
