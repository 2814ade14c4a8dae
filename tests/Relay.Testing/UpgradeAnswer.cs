namespace Relay.Testing;

/// <summary>What a server answered to an upgrade request: the status, the head, and, on 101, the open connection.</summary>
public sealed record UpgradeAnswer(int Status, string Head, string Body, RawWebSocketPeer? Peer)
{
    /// <summary>The open WebSocket (throws with the server's answer when it was not a 101).</summary>
    public RawWebSocketPeer Open => Peer ?? throw new InvalidOperationException($"expected 101, got: {Head}\r\n\r\n{Body}");
}
