using System.Buffers;
using Relay.Core.Framing;
using Relay.Testing;

namespace Relay.Core.Tests.Framing;

public class FrameReaderTests
{
    private const int MaskKey = 0x4A3B2C1D;

    /// <summary>Every payload length boundary of RFC 6455 §5.2, with the header length it needs unmasked.</summary>
    public static TheoryData<long, int> LengthBoundaries => new()
    {
        { 0, 2 },
        { 1, 2 },
        { 125, 2 },
        { 126, 4 },
        { 127, 4 },
        { 65535, 4 },
        { 65536, 10 },
        { uint.MaxValue, 10 },
        { (long)uint.MaxValue + 1, 10 },
        { (long)uint.MaxValue + 2, 10 },
        { long.MaxValue, 10 },
    };

    [Theory]
    [MemberData(nameof(LengthBoundaries))]
    public void TryReadHeader_UnmaskedAtLengthBoundary_ClientRoleReadsSameHeader(long payloadLength, int headerLength)
    {
        var bytes = Write(Opcode.Binary, fin: true, payloadLength, masked: false, maskKey: 0);
        var expected = new FrameHeader(true, Opcode.Binary, false, 0, payloadLength, headerLength);

        Assert.Equal(headerLength, bytes.Length);
        AssertHeaderInEveryShape(bytes, WebSocketRole.Client, expected);
    }

    [Theory]
    [MemberData(nameof(LengthBoundaries))]
    public void TryReadHeader_MaskedAtLengthBoundary_ServerRoleReadsSameHeader(long payloadLength, int headerLength)
    {
        var bytes = Write(Opcode.Binary, fin: true, payloadLength, masked: true, MaskKey);
        var expected = new FrameHeader(true, Opcode.Binary, true, MaskKey, payloadLength, headerLength + 4);

        Assert.Equal(headerLength + 4, bytes.Length);
        AssertHeaderInEveryShape(bytes, WebSocketRole.Server, expected);
    }

    [Theory]
    [InlineData(Opcode.Text, true, false, 0L)]
    [InlineData(Opcode.Text, false, true, 300L)]
    [InlineData(Opcode.Binary, false, false, 70000L)]
    [InlineData(Opcode.Continuation, false, true, 5L)]
    [InlineData(Opcode.Continuation, true, false, 126L)]
    [InlineData(Opcode.Close, true, true, 125L)]
    [InlineData(Opcode.Ping, true, false, 0L)]
    [InlineData(Opcode.Pong, true, true, 17L)]
    public void TryReadHeader_WrittenByFrameWriter_RoundTripsEveryField(Opcode opcode, bool fin, bool masked, long payloadLength)
    {
        // A key whose four bytes differ, and one with the sign bit set, so byte order and sign both show.
        foreach (var key in new[] { MaskKey, unchecked((int)0xF1E2D3C4) })
        {
            var maskKey = masked ? key : 0;
            var bytes = Write(opcode, fin, payloadLength, masked, maskKey);
            var role = masked ? WebSocketRole.Server : WebSocketRole.Client;
            var expected = new FrameHeader(fin, opcode, masked, maskKey, payloadLength, FrameWriter.GetHeaderLength(payloadLength, masked));

            AssertHeaderInEveryShape(bytes, role, expected);
        }
    }

    [Fact]
    public void TryReadHeader_MaskKey_IsTheWireBytesInOrder()
    {
        // FIN=1, Binary(0x2), MASK=1, len=0, key 01 02 03 04
        byte[] bytes = [0x82, 0x80, 0x01, 0x02, 0x03, 0x04];

        var status = FrameReader.TryReadHeader(bytes, WebSocketRole.Server, out var header, out _);

        Assert.Equal(FrameReadStatus.Header, status);
        Span<byte> key = stackalloc byte[4];
        Assert.True(BitConverter.TryWriteBytes(key, header.MaskKey));
        Assert.Equal([0x01, 0x02, 0x03, 0x04], key.ToArray());
    }

    [Fact]
    public void TryReadHeader_BytesAfterHeader_AreNotPartOfIt()
    {
        // FIN=1, Text(0x1), MASK=0, len=3, then the payload "abc" and the start of a next frame
        byte[] bytes = [0x81, 0x03, (byte)'a', (byte)'b', (byte)'c', 0x81, 0x00];

        foreach (var shape in SequenceFactory.AllShapes(bytes))
        {
            var status = FrameReader.TryReadHeader(shape, WebSocketRole.Client, out var header, out _);

            Assert.Equal(FrameReadStatus.Header, status);
            Assert.Equal(new FrameHeader(true, Opcode.Text, false, 0, 3, 2), header);
        }
    }

    [Theory]
    [MemberData(nameof(LengthBoundaries))]
    public void TryReadHeader_TruncatedHeader_NeedsMoreDataInEveryShape(long payloadLength, int unmaskedLength)
    {
        foreach (var masked in new[] { false, true })
        {
            var bytes = Write(Opcode.Binary, fin: true, payloadLength, masked, MaskKey);
            var role = masked ? WebSocketRole.Server : WebSocketRole.Client;
            Assert.Equal(unmaskedLength + (masked ? 4 : 0), bytes.Length);

            for (var prefix = 0; prefix < bytes.Length; prefix++)
            {
                var truncated = bytes[..prefix];
                Assert.Equal(FrameReadStatus.NeedMoreData, FrameReader.TryReadHeader(truncated, role, out _, out var spanCode));
                Assert.Equal(0, spanCode);
                foreach (var shape in SequenceFactory.AllShapes(truncated))
                {
                    Assert.Equal(FrameReadStatus.NeedMoreData, FrameReader.TryReadHeader(shape, role, out _, out var code));
                    Assert.Equal(0, code);
                }
            }
        }
    }

    [Fact]
    public void TryReadHeader_EmptySequence_NeedsMoreData()
    {
        var status = FrameReader.TryReadHeader(ReadOnlySequence<byte>.Empty, WebSocketRole.Server, out _, out var code);

        Assert.Equal(FrameReadStatus.NeedMoreData, status);
        Assert.Equal(0, code);
    }

    [Fact]
    public void TryReadHeader_HeaderInLaterSegmentsAfterLongFirst_ReadsSameHeader()
    {
        // FIN=1, Binary(0x2), MASK=1, len=127 -> 64-bit length 0x0000_0001_0000_0000, key 0A 0B 0C 0D, then 20 payload bytes:
        // the first segment holds the whole 14-byte header, later segments only payload.
        byte[] header = [0x82, 0xFF, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x0A, 0x0B, 0x0C, 0x0D];
        var sequence = SequenceFactory.Create([[.. header, 1, 2, 3], new byte[20]]);

        var status = FrameReader.TryReadHeader(sequence, WebSocketRole.Server, out var read, out _);

        Assert.Equal(FrameReadStatus.Header, status);
        Assert.Equal(1L << 32, read.PayloadLength);
        Assert.Equal(14, read.HeaderLength);
        Assert.True(read.Masked);
    }

    private static byte[] Write(Opcode opcode, bool fin, long payloadLength, bool masked, int maskKey)
    {
        var buffer = new byte[FrameReader.MaxHeaderLength];
        var length = FrameWriter.WriteHeader(buffer, opcode, fin, payloadLength, masked, maskKey);
        return buffer[..length];
    }

    private static void AssertHeaderInEveryShape(byte[] bytes, WebSocketRole role, FrameHeader expected)
    {
        Assert.Equal(FrameReadStatus.Header, FrameReader.TryReadHeader(bytes, role, out var fromSpan, out var spanCode));
        Assert.Equal(expected, fromSpan);
        Assert.Equal(0, spanCode);

        var shapes = 0;
        foreach (var shape in SequenceFactory.AllShapes(bytes))
        {
            var status = FrameReader.TryReadHeader(shape, role, out var header, out var code);

            Assert.Equal(FrameReadStatus.Header, status);
            Assert.Equal(expected, header);
            Assert.Equal(0, code);
            shapes++;
        }

        Assert.Equal(bytes.Length + 3, shapes); // one array, byte per segment, and bytes.Length + 1 splits
    }
}
