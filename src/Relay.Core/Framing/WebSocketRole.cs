namespace Relay.Core.Framing;

/// <summary>Which end of the WebSocket this endpoint is. It decides who masks (RFC 6455 §5.3: clients mask, servers never).</summary>
public enum WebSocketRole
{
    Client,
    Server,
}
