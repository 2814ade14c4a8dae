namespace Relay.Core.Relaying;

/// <summary>What a finished session did: bytes each way, how it ended, and the close codes seen on the wire.</summary>
public readonly record struct SessionResult(
    SessionEnding Ending,
    long BytesToWebSocket,
    long BytesFromWebSocket,
    ushort? CloseSent,
    ushort? CloseReceived,
    string CloseReason,
    bool PeerClosedFirst)
{
    public override string ToString() => Describe();

    public bool IsNormal => Ending == SessionEnding.Normal;

    /// <summary>One line for a user: who closed, with which code and reason.</summary>
    public string Describe() => Ending switch
    {
        SessionEnding.Normal => "closed normally",
        SessionEnding.PeerClosedWithError => $"closed by the peer with {CloseReceived} ({Framing.CloseStatus.Describe(CloseReceived ?? 0)}){FormatReason()}",
        SessionEnding.ConnectionLost => "connection lost without a close frame (1006)",
        SessionEnding.ProtocolError => $"closed by relay with {CloseSent} ({Framing.CloseStatus.Describe(CloseSent ?? 0)}){FormatReason()}",
        SessionEnding.ByteSideError => $"closed by relay with {CloseSent} ({Framing.CloseStatus.Describe(CloseSent ?? 0)}): the byte side failed{FormatReason()}",
        SessionEnding.PingTimeout => "no answer from the peer within the ping timeout",
        SessionEnding.IdleTimeout => "idle timeout: no data either way; closed with 1001",
        _ => CloseSent == Framing.CloseStatus.GoingAway ? "closed by relay with 1001 (going away): the relay is stopping" : "cancelled",
    };

    private string FormatReason() => string.IsNullOrEmpty(CloseReason) ? string.Empty : $": {CloseReason}";
}
