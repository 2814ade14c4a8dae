using System.Text;
using Relay.Core.Framing;

namespace Relay.Core.Tests.Framing;

public class ClosePayloadTests
{
    [Fact]
    public void TryParse_Empty_AcceptedAsNoStatusReceived()
    {
        var result = ClosePayload.TryParse([], out var code, out var reason);

        Assert.Equal(0, result);
        Assert.Equal(CloseStatus.NoStatusReceived, code);
        Assert.Equal(string.Empty, reason);
    }

    [Fact]
    public void TryParse_OneByte_ProtocolError()
    {
        // A 1-byte body cannot hold the 2-byte code (RFC 6455 §5.5.1).
        Assert.Equal(CloseStatus.ProtocolError, ClosePayload.TryParse([0x03], out _, out _));
    }

    [Theory]
    [InlineData(new byte[] { 0x03, 0xED })] // 1005: reserved, never on the wire
    [InlineData(new byte[] { 0x03, 0xEE })] // 1006: reserved, never on the wire
    [InlineData(new byte[] { 0x03, 0xEC, 0x68, 0x69 })] // 1004 with reason "hi"
    [InlineData(new byte[] { 0x03, 0xF7 })] // 1015: reserved
    [InlineData(new byte[] { 0x03, 0xE7 })] // 999
    [InlineData(new byte[] { 0x00, 0x00 })] // 0
    [InlineData(new byte[] { 0x13, 0x88 })] // 5000
    public void TryParse_CodeNotAllowedOnWire_ProtocolError(byte[] payload) =>
        Assert.Equal(CloseStatus.ProtocolError, ClosePayload.TryParse(payload, out _, out _));

    [Theory]
    [InlineData(new byte[] { 0x03, 0xE8, 0xC0, 0x80 })] // 1000, overlong NUL
    [InlineData(new byte[] { 0x03, 0xE8, 0x61, 0xFF })] // 1000, "a" then 0xFF
    [InlineData(new byte[] { 0x03, 0xE8, 0xED, 0xA0, 0x80 })] // 1000, UTF-16 surrogate D800
    [InlineData(new byte[] { 0x03, 0xE8, 0x61, 0xE2, 0x82 })] // 1000, "a" then a cut euro sign
    public void TryParse_ReasonNotUtf8_InvalidPayloadData(byte[] payload) =>
        Assert.Equal(CloseStatus.InvalidPayloadData, ClosePayload.TryParse(payload, out _, out _));

    [Fact]
    public void TryParse_CodeAndUtf8Reason_AcceptedWithBoth()
    {
        // 1001, then "bye €" (the euro sign is E2 82 AC)
        byte[] payload = [0x03, 0xE9, 0x62, 0x79, 0x65, 0x20, 0xE2, 0x82, 0xAC];

        var result = ClosePayload.TryParse(payload, out var code, out var reason);

        Assert.Equal(0, result);
        Assert.Equal(CloseStatus.GoingAway, code);
        Assert.Equal("bye €", reason);
    }

    [Theory]
    [InlineData(new byte[] { 0x03, 0xE8 }, 1000)]
    [InlineData(new byte[] { 0x0B, 0xB8 }, 3000)]
    [InlineData(new byte[] { 0x13, 0x87 }, 4999)]
    public void TryParse_CodeOnly_AcceptedWithEmptyReason(byte[] payload, int expectedCode)
    {
        var result = ClosePayload.TryParse(payload, out var code, out var reason);

        Assert.Equal(0, result);
        Assert.Equal(expectedCode, code);
        Assert.Equal(string.Empty, reason);
    }

    [Theory]
    [InlineData(CloseStatus.NormalClosure, "")]
    [InlineData(CloseStatus.GoingAway, "server shutting down")]
    [InlineData(CloseStatus.InvalidPayloadData, "ünïcödé ✓ 🎉")]
    [InlineData((ushort)4000, "application")]
    public void Write_ThenTryParse_RoundTrips(ushort code, string reason)
    {
        var buffer = new byte[FrameReader.MaxControlPayloadLength];

        var length = ClosePayload.Write(buffer, code, reason);
        var result = ClosePayload.TryParse(buffer.AsSpan(0, length), out var parsedCode, out var parsedReason);

        Assert.Equal(2 + Encoding.UTF8.GetByteCount(reason), length);
        Assert.Equal(0, result);
        Assert.Equal(code, parsedCode);
        Assert.Equal(reason, parsedReason);
    }

    [Fact]
    public void Write_NoStatusReceived_WritesNothing()
    {
        var buffer = new byte[FrameReader.MaxControlPayloadLength];

        Assert.Equal(0, ClosePayload.Write(buffer, CloseStatus.NoStatusReceived, "ignored"));
    }

    [Theory]
    [InlineData(2, "x")]  // room for the code only
    [InlineData(4, "€")]  // 2 bytes of room, a 3-byte code point
    [InlineData(5, "🎉")] // 3 bytes of room, a 4-byte code point
    [InlineData(6, "a🎉")]
    public void Write_DestinationTooShortForReason_TruncatesWithinDestination(int size, string reason)
    {
        var buffer = new byte[size];

        var length = ClosePayload.Write(buffer, CloseStatus.NormalClosure, reason);
        var result = ClosePayload.TryParse(buffer.AsSpan(0, length), out var code, out var written);

        Assert.InRange(length, 2, size);
        Assert.Equal(0, result);
        Assert.Equal(CloseStatus.NormalClosure, code);
        Assert.StartsWith(written, reason, StringComparison.Ordinal);
        Assert.True(length + Rune.GetRuneAt(reason, written.Length).Utf8SequenceLength > size);
    }

    [Theory]
    [InlineData("a")] // 1-byte code points
    [InlineData("é")] // 2-byte code points
    [InlineData("€")] // 3-byte code points
    [InlineData("🎉")] // 4-byte code points (a UTF-16 surrogate pair)
    [InlineData("a€")] // 3-byte code points that do not line up with the 123-byte room
    [InlineData("ab🎉")] // 4-byte code points off the 123-byte room
    [InlineData("xé🎉€")]
    public void Write_LongReason_TruncatesAtCodePointWithin125Bytes(string unit)
    {
        var reason = string.Concat(Enumerable.Repeat(unit, 200));
        foreach (var size in new[] { FrameReader.MaxControlPayloadLength, 200 })
        {
            var buffer = new byte[size];

            var length = ClosePayload.Write(buffer, CloseStatus.GoingAway, reason);
            var result = ClosePayload.TryParse(buffer.AsSpan(0, length), out var code, out var written);

            Assert.InRange(length, 2, FrameReader.MaxControlPayloadLength);
            Assert.Equal(0, result); // still valid, complete UTF-8
            Assert.Equal(CloseStatus.GoingAway, code);
            Assert.StartsWith(written, reason, StringComparison.Ordinal);
            Assert.False(char.IsHighSurrogate(written[^1]));

            // Nothing more would have fit: the next code point would overflow the 125 bytes.
            var next = Rune.GetRuneAt(reason, written.Length);
            Assert.True(length + next.Utf8SequenceLength > FrameReader.MaxControlPayloadLength, $"stopped at {length} bytes with room left");
        }
    }
}
