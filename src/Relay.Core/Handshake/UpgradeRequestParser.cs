namespace Relay.Core.Handshake;

/// <summary>
/// Server side of the opening handshake (RFC 6455 §4.2.1): finds a complete request head within the size limits and
/// checks it is a WebSocket upgrade. Pure: the caller reads the bytes and enforces the time limit.
/// </summary>
public static class UpgradeRequestParser
{
    /// <summary>Longest accepted request line (the answer beyond it is 414).</summary>
    public const int MaxRequestLineLength = 8 * 1024;

    /// <summary>Largest accepted request head, request line included (the answer beyond it is 431).</summary>
    public const int MaxHeadLength = 16 * 1024;

    /// <summary>
    /// Looks for a complete head at the start of <paramref name="buffer"/>. Returns false while more bytes are needed and
    /// the limits are not exceeded; otherwise true with either a request or a failure. <paramref name="consumed"/> is
    /// the head's length: bytes after it are the client's first frames and belong to the session.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> buffer, out UpgradeRequest? request, out HandshakeFailure failure, out int consumed)
    {
        request = null;
        failure = HandshakeFailure.None;
        consumed = 0;
        var end = HttpHead.FindEnd(buffer);
        var firstLineEnd = buffer.IndexOf("\r\n"u8);

        // Until the CRLF has arrived, a trailing CR may be its first half rather than part of the line.
        var lineLength = firstLineEnd >= 0 ? firstLineEnd : buffer.Length - (buffer.EndsWith("\r"u8) ? 1 : 0);
        if (lineLength > MaxRequestLineLength)
        {
            failure = HandshakeFailure.RequestLineTooLong;
            return true;
        }

        if (end < 0 || end > MaxHeadLength)
        {
            if (end > MaxHeadLength || buffer.Length >= MaxHeadLength)
            {
                failure = HandshakeFailure.HeadersTooLarge;
                return true;
            }

            return false;
        }

        consumed = end;
        failure = Validate(buffer[..end], out request);
        return true;
    }

    private static HandshakeFailure Validate(ReadOnlySpan<byte> headBytes, out UpgradeRequest? request)
    {
        request = null;
        var head = HttpHead.TryParse(headBytes);
        if (head is null || !head.Part3.StartsWith("HTTP/1.", StringComparison.Ordinal) || head["Host"] is null)
        {
            return HandshakeFailure.Malformed;
        }

        if (!head.HasToken("Upgrade", "websocket") || !head.HasToken("Connection", "Upgrade"))
        {
            return HandshakeFailure.NotUpgrade;
        }

        if (head.Part1 != "GET")
        {
            return HandshakeFailure.MethodNotAllowed;
        }

        if (head["Sec-WebSocket-Version"] != "13")
        {
            return HandshakeFailure.UnsupportedVersion;
        }

        var key = head["Sec-WebSocket-Key"];
        if (!WebSocketAccept.IsValidKey(key))
        {
            return HandshakeFailure.MissingKey;
        }

        request = new UpgradeRequest(head.Part2, key!, head);
        return HandshakeFailure.None;
    }
}
