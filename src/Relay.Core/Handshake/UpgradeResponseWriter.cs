using System.Text;

namespace Relay.Core.Handshake;

/// <summary>Writes the server's 101 Switching Protocols answer (RFC 6455 §4.2.2).</summary>
public static class UpgradeResponseWriter
{
    public static byte[] Build(string key, string? protocol)
    {
        var builder = new StringBuilder(160)
            .Append("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ")
            .Append(WebSocketAccept.Compute(key))
            .Append("\r\n");
        if (protocol is not null)
        {
            builder.Append("Sec-WebSocket-Protocol: ").Append(protocol).Append("\r\n");
        }

        return Encoding.ASCII.GetBytes(builder.Append("\r\n").ToString());
    }
}
