using System.Text;
using Relay.Core.Handshake;

namespace Relay.Core.Tests.Handshake;

public class UpgradeRequestParserTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";

    private static readonly string[] s_validHeaders =
    [
        "Host: server.example.com",
        "Upgrade: websocket",
        "Connection: Upgrade",
        $"Sec-WebSocket-Key: {Key}",
        "Origin: http://example.com",
        "Sec-WebSocket-Protocol: chat, superchat",
        "Sec-WebSocket-Version: 13",
    ];

    [Fact]
    public void TryParse_ValidRequestFollowedByFrame_ReturnsRequestAndLeavesFrame()
    {
        var head = Head("GET /chat?room=1 HTTP/1.1", s_validHeaders);
        // FIN=1, Text(0x1), MASK=1, len=1, key 01 02 03 04, payload: the client's first frame, sent right behind the head
        byte[] frame = [0x81, 0x81, 0x01, 0x02, 0x03, 0x04, 0x60];
        byte[] buffer = [.. head, .. frame];

        var done = UpgradeRequestParser.TryParse(buffer, out var request, out var failure, out var consumed);

        Assert.True(done);
        Assert.Equal(HandshakeFailure.None, failure);
        Assert.NotNull(request);
        Assert.Equal("/chat?room=1", request.Path);
        Assert.Equal(Key, request.Key);
        Assert.Equal(["chat", "superchat"], request.Protocols);
        Assert.Equal("http://example.com", request.Head["origin"]);
        Assert.Equal(head.Length, consumed);
        Assert.Equal(frame, buffer[consumed..]);
    }

    [Fact]
    public void TryParse_TokensInOtherCaseAndAmongOthers_Valid()
    {
        var head = Head(
            "GET / HTTP/1.1",
            "host: h",
            "upgrade: WebSocket",
            "connection: keep-alive, upgrade",
            $"sec-websocket-key: {Key}",
            "sec-websocket-version: 13");

        var done = UpgradeRequestParser.TryParse(head, out var request, out var failure, out var consumed);

        Assert.True(done);
        Assert.Equal(HandshakeFailure.None, failure);
        Assert.NotNull(request);
        Assert.Empty(request.Protocols);
        Assert.Equal(head.Length, consumed);
    }

    [Fact]
    public void TryParse_EveryIncompletePrefix_NeedsMoreBytes()
    {
        var head = Head("GET /chat HTTP/1.1", s_validHeaders);

        for (var length = 0; length < head.Length; length++)
        {
            var done = UpgradeRequestParser.TryParse(head.AsSpan(0, length), out var request, out var failure, out var consumed);

            Assert.False(done, $"prefix of {length} bytes");
            Assert.Null(request);
            Assert.Equal(HandshakeFailure.None, failure);
            Assert.Equal(0, consumed);
        }
    }

    [Theory]
    [InlineData("GET /chat HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")] // no Host
    [InlineData("GET /chat\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")] // no version in the request line
    [InlineData("GET /chat FTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")] // not HTTP
    [InlineData("GET  /chat HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")] // empty target
    [InlineData("GET /chat HTTP/1.1\r\nHost: h\r\nUpgrade websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")] // header without colon
    [InlineData("GET /chat HTTP/1.1\r\nHost: h\r\nUpgrade : websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")] // space before the colon
    [InlineData("GET /chat HTTP/1.1\r\nHost: h\r\n: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")] // empty header name
    [InlineData("GET /chät HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")] // a non-ASCII byte
    public void TryParse_MalformedRequest_Malformed400(string text)
    {
        AssertRefused(Encoding.UTF8.GetBytes(text), HandshakeFailure.Malformed, 400);
    }

    [Fact]
    public void TryParse_PlainGet_NotUpgrade426()
    {
        AssertRefused(Head("GET /index.html HTTP/1.1", "Host: h", "Accept: */*"), HandshakeFailure.NotUpgrade, 426);
    }

    [Theory]
    [InlineData("Upgrade: h2c", "Connection: Upgrade")]
    [InlineData("Upgrade: websocket", "Connection: keep-alive")]
    [InlineData("X-Upgrade: websocket", "Connection: Upgrade")]
    public void TryParse_UpgradeTokenMissing_NotUpgrade426(string upgrade, string connection)
    {
        var head = Head("GET / HTTP/1.1", "Host: h", upgrade, connection, $"Sec-WebSocket-Key: {Key}", "Sec-WebSocket-Version: 13");

        AssertRefused(head, HandshakeFailure.NotUpgrade, 426);
    }

    [Theory]
    [InlineData("Sec-WebSocket-Version: 8")]
    [InlineData("Sec-WebSocket-Version: 14")]
    [InlineData("Sec-WebSocket-Version: 13, 8")]
    [InlineData("X-Other: 1")] // no version at all
    public void TryParse_WrongVersion_UnsupportedVersion426AdvertisingVersion13(string versionLine)
    {
        var head = Head("GET / HTTP/1.1", "Host: h", "Upgrade: websocket", "Connection: Upgrade", $"Sec-WebSocket-Key: {Key}", versionLine);

        AssertRefused(head, HandshakeFailure.UnsupportedVersion, 426);
        Assert.Contains("\r\nSec-WebSocket-Version: 13\r\n", Encoding.ASCII.GetString(HttpRefusal.Build(HandshakeFailure.UnsupportedVersion)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("X-Other: 1")] // no key at all
    [InlineData("Sec-WebSocket-Key:")]
    [InlineData("Sec-WebSocket-Key: not-a-key")]
    [InlineData("Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAAAA")] // 18 bytes
    [InlineData("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ")] // 16 bytes, unpadded
    public void TryParse_MissingOrBadKey_MissingKey400(string keyLine)
    {
        var head = Head("GET / HTTP/1.1", "Host: h", "Upgrade: websocket", "Connection: Upgrade", keyLine, "Sec-WebSocket-Version: 13");

        AssertRefused(head, HandshakeFailure.MissingKey, 400);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("get")]
    public void TryParse_UpgradeWithOtherMethod_MethodNotAllowed405(string method)
    {
        AssertRefused(Head($"{method} /chat HTTP/1.1", s_validHeaders), HandshakeFailure.MethodNotAllowed, 405);
    }

    [Fact]
    public void TryParse_RequestLineOver8KiB_RequestLineTooLong414()
    {
        var target = "/" + new string('a', UpgradeRequestParser.MaxRequestLineLength);

        AssertRefused(Head($"GET {target} HTTP/1.1", s_validHeaders), HandshakeFailure.RequestLineTooLong, 414);
    }

    [Fact]
    public void TryParse_RequestLineOver8KiBStillArriving_RequestLineTooLong414()
    {
        // No CRLF yet: the line is already too long, so there is no point waiting for the rest.
        var partial = Encoding.ASCII.GetBytes("GET /" + new string('a', UpgradeRequestParser.MaxRequestLineLength));

        AssertRefused(partial, HandshakeFailure.RequestLineTooLong, 414);
    }

    [Fact]
    public void TryParse_RequestLineOf8KiBExactly_Accepted()
    {
        var line = LongestRequestLine();
        Assert.Equal(UpgradeRequestParser.MaxRequestLineLength, line.Length);

        var done = UpgradeRequestParser.TryParse(Head(line, s_validHeaders), out var request, out var failure, out _);

        Assert.True(done);
        Assert.Equal(HandshakeFailure.None, failure);
        Assert.Equal(line.Split(' ')[1], request?.Path);
    }

    [Fact]
    public void TryParse_LongestAllowedRequestLineInEveryPrefix_NeedsMoreBytes()
    {
        // The same bytes split anywhere must not change the verdict: the line of exactly 8 KiB is accepted whole, so no
        // prefix of it (in particular one ending between its CR and LF) may be refused as too long.
        var head = Head(LongestRequestLine(), s_validHeaders);

        for (var length = 0; length < head.Length; length++)
        {
            var done = UpgradeRequestParser.TryParse(head.AsSpan(0, length), out _, out var failure, out _);

            Assert.False(done, $"prefix of {length} bytes was answered with {failure}");
        }

        Assert.True(UpgradeRequestParser.TryParse(head, out var request, out _, out _));
        Assert.NotNull(request);
    }

    [Fact]
    public void TryParse_HeadOver16KiB_HeadersTooLarge431()
    {
        var head = Head("GET / HTTP/1.1", [.. s_validHeaders, .. Filler(UpgradeRequestParser.MaxHeadLength)]);
        Assert.True(head.Length > UpgradeRequestParser.MaxHeadLength);

        AssertRefused(head, HandshakeFailure.HeadersTooLarge, 431);
    }

    [Fact]
    public void TryParse_HeadOver16KiBStillArriving_HeadersTooLarge431()
    {
        var head = Head("GET / HTTP/1.1", [.. s_validHeaders, .. Filler(UpgradeRequestParser.MaxHeadLength)]);
        var partial = head[..UpgradeRequestParser.MaxHeadLength]; // 16 KiB with no blank line yet

        AssertRefused(partial, HandshakeFailure.HeadersTooLarge, 431);
    }

    [Fact]
    public void TryParse_HeadOf16KiBExactly_Accepted()
    {
        var head = LargestHead();
        Assert.Equal(UpgradeRequestParser.MaxHeadLength, head.Length);

        var done = UpgradeRequestParser.TryParse(head, out var request, out var failure, out var consumed);

        Assert.True(done);
        Assert.Equal(HandshakeFailure.None, failure);
        Assert.NotNull(request);
        Assert.Equal(head.Length, consumed);
    }

    [Fact]
    public void TryParse_LargestAllowedHeadInEveryPrefix_NeedsMoreBytes()
    {
        var head = LargestHead();

        for (var length = 0; length < head.Length; length++)
        {
            var done = UpgradeRequestParser.TryParse(head.AsSpan(0, length), out _, out var failure, out _);

            Assert.False(done, $"prefix of {length} bytes was answered with {failure}");
        }
    }

    private static void AssertRefused(byte[] buffer, HandshakeFailure expected, int status)
    {
        var done = UpgradeRequestParser.TryParse(buffer, out var request, out var failure, out _);

        Assert.True(done);
        Assert.Equal(expected, failure);
        Assert.Null(request);
        Assert.Equal(status, HttpRefusal.Describe(failure).Status);
    }

    /// <summary>A request line of exactly <see cref="UpgradeRequestParser.MaxRequestLineLength"/> bytes.</summary>
    private static string LongestRequestLine() =>
        "GET /" + new string('a', UpgradeRequestParser.MaxRequestLineLength - "GET / HTTP/1.1".Length) + " HTTP/1.1";

    /// <summary>A valid upgrade request head of exactly <see cref="UpgradeRequestParser.MaxHeadLength"/> bytes.</summary>
    private static byte[] LargestHead()
    {
        var filler = Filler(UpgradeRequestParser.MaxHeadLength - 500).ToList();
        var missing = UpgradeRequestParser.MaxHeadLength - Head("GET / HTTP/1.1", [.. s_validHeaders, .. filler]).Length;
        return Head("GET / HTTP/1.1", [.. s_validHeaders, .. filler, "X-Pad: " + new string('p', missing - "X-Pad: \r\n".Length)]);
    }

    /// <summary>Header lines of about 100 bytes each, adding up to at least <paramref name="bytes"/>.</summary>
    private static IEnumerable<string> Filler(int bytes)
    {
        for (var i = 0; i * 100 < bytes; i++)
        {
            yield return $"X-Filler-{i:D4}: " + new string('f', 100 - "X-Filler-0000: \r\n".Length);
        }
    }

    private static byte[] Head(string requestLine, params IEnumerable<string> headers) =>
        Encoding.ASCII.GetBytes(requestLine + "\r\n" + string.Concat(headers.Select(line => line + "\r\n")) + "\r\n");
}
