using System.Text;

namespace Relay.Core.Handshake;

/// <summary>Client side of the opening handshake (RFC 6455 §4.1): the request, and the checks on the server's answer.</summary>
public static class ClientHandshake
{
    /// <summary>Longest response head the client reads before giving up.</summary>
    public const int MaxResponseHeadLength = 16 * 1024;

    /// <summary>Builds the upgrade request for <paramref name="uri"/> with the given key and extra header lines.</summary>
    public static byte[] BuildRequest(Uri uri, string key, IEnumerable<KeyValuePair<string, string>> headers, string? protocol, string? origin)
    {
        var host = uri.IsDefaultPort ? uri.IdnHost : $"{uri.IdnHost}:{uri.Port}";
        if (uri.HostNameType == UriHostNameType.IPv6)
        {
            host = uri.IsDefaultPort ? $"[{uri.IdnHost}]" : $"[{uri.IdnHost}]:{uri.Port}";
        }

        var builder = new StringBuilder(256)
            .Append("GET ").Append(uri.PathAndQuery).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(host).Append("\r\n")
            .Append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
            .Append("Sec-WebSocket-Key: ").Append(key).Append("\r\n")
            .Append("Sec-WebSocket-Version: 13\r\n");
        if (protocol is not null)
        {
            builder.Append("Sec-WebSocket-Protocol: ").Append(protocol).Append("\r\n");
        }

        if (origin is not null)
        {
            builder.Append("Origin: ").Append(origin).Append("\r\n");
        }

        foreach (var (name, value) in headers)
        {
            builder.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(builder.Append("\r\n").ToString());
    }

    /// <summary>
    /// Checks the server's answer: status 101, the Upgrade and Connection tokens, the Accept value for our key, and a
    /// subprotocol only if we asked for it (and then one we offered). Returns null when it is good, else why not.
    /// </summary>
    public static string? Validate(HttpHead response, string key, string? requestedProtocol)
    {
        if (!response.Part1.StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            return "the server did not answer with HTTP/1.1";
        }

        if (response.Part2 != "101")
        {
            return $"HTTP {response.Part2} {response.Part3}".TrimEnd();
        }

        if (!response.HasToken("Upgrade", "websocket") || !response.HasToken("Connection", "Upgrade"))
        {
            return "the server's 101 lacks Upgrade: websocket / Connection: Upgrade";
        }

        if (response["Sec-WebSocket-Accept"] != WebSocketAccept.Compute(key))
        {
            return "the server's Sec-WebSocket-Accept does not match the key";
        }

        var protocol = response["Sec-WebSocket-Protocol"];
        if (protocol is not null)
        {
            var offered = requestedProtocol?.Split(',', StringSplitOptions.TrimEntries) ?? [];
            if (!offered.Contains(protocol, StringComparer.Ordinal))
            {
                return $"the server chose subprotocol '{protocol}', which was not offered";
            }
        }

        return null;
    }
}
