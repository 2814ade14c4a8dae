namespace Relay.Core.Relaying;

/// <summary>How a session ended. Everything but <see cref="Normal"/> is reported by the client as abnormal.</summary>
public enum SessionEnding
{
    /// <summary>Both sides closed in order: EOF and a close handshake.</summary>
    Normal,
    /// <summary>The WebSocket peer closed with a code other than 1000/1001, or without a code.</summary>
    PeerClosedWithError,
    /// <summary>The WebSocket connection was lost without a Close frame (1006).</summary>
    ConnectionLost,
    /// <summary>The WebSocket peer broke the protocol; we closed with the RFC code.</summary>
    ProtocolError,
    /// <summary>The byte side (target, stdio) failed; we closed the WebSocket with 1011.</summary>
    ByteSideError,
    /// <summary>The peer stayed silent past the ping timeout.</summary>
    PingTimeout,
    /// <summary>No data either way for the idle timeout; we closed with 1001.</summary>
    IdleTimeout,
    /// <summary>The session was stopped from outside (shutdown).</summary>
    Cancelled,
}
