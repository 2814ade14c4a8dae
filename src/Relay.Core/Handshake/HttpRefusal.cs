using System.Text;

namespace Relay.Core.Handshake;

/// <summary>The one table from a refusal reason to its HTTP answer (DESIGN.md §5), with a short plain-text body.</summary>
public static class HttpRefusal
{
    public static (int Status, string Reason, string Body) Describe(HandshakeFailure failure) => failure switch
    {
        HandshakeFailure.Malformed => (400, "Bad Request", "malformed WebSocket upgrade request"),
        HandshakeFailure.MissingKey => (400, "Bad Request", "missing or invalid Sec-WebSocket-Key"),
        HandshakeFailure.NotUpgrade => (426, "Upgrade Required", "this endpoint speaks WebSocket only: send an upgrade request"),
        HandshakeFailure.UnsupportedVersion => (426, "Upgrade Required", "unsupported Sec-WebSocket-Version: use 13"),
        HandshakeFailure.MethodNotAllowed => (405, "Method Not Allowed", "a WebSocket upgrade must use GET"),
        HandshakeFailure.RequestLineTooLong => (414, "URI Too Long", "request line too long"),
        HandshakeFailure.HeadersTooLarge => (431, "Request Header Fields Too Large", "request header fields too large"),
        HandshakeFailure.Timeout => (408, "Request Timeout", "the upgrade request did not arrive in time"),
        HandshakeFailure.TargetUnreachable => (502, "Bad Gateway", "the relay target is unreachable"),
        HandshakeFailure.AtCapacity => (503, "Service Unavailable", "the relay is at capacity"),
        HandshakeFailure.Draining => (503, "Service Unavailable", "the relay is shutting down"),
        HandshakeFailure.NoRoute => (404, "Not Found", "no route for this path"),
        HandshakeFailure.Unauthorized => (401, "Unauthorized", "missing or wrong token"),
        HandshakeFailure.OriginNotAllowed => (403, "Forbidden", "origin not allowed"),
        _ => (500, "Internal Server Error", "internal error"),
    };

    /// <summary>The full HTTP response for a refusal; the connection is closed after it.</summary>
    public static byte[] Build(HandshakeFailure failure)
    {
        var (status, reason, body) = Describe(failure);
        var extra = failure is HandshakeFailure.UnsupportedVersion or HandshakeFailure.NotUpgrade
            ? "Sec-WebSocket-Version: 13\r\nUpgrade: websocket\r\n"
            : failure == HandshakeFailure.MethodNotAllowed ? "Allow: GET\r\n"
            : failure == HandshakeFailure.Unauthorized ? "WWW-Authenticate: Bearer\r\n"
            : failure is HandshakeFailure.AtCapacity or HandshakeFailure.Draining ? "Retry-After: 1\r\n" : string.Empty;
        var text = $"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {body.Length + 1}\r\nConnection: close\r\n{extra}\r\n{body}\n";
        return Encoding.ASCII.GetBytes(text);
    }
}
