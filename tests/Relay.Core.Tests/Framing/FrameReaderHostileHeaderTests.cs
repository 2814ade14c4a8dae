using Relay.Core.Framing;
using Relay.Testing;

namespace Relay.Core.Tests.Framing;

/// <summary>Headers that break RFC 6455, as byte literals: every one must close with 1002 in every shape of its bytes.</summary>
public class FrameReaderHostileHeaderTests
{
    [Theory]
    // FIN=1, RSV1=1, Binary(0x2), MASK=1, len=0, key 01 02 03 04
    [InlineData(new byte[] { 0xC2, 0x80, 0x01, 0x02, 0x03, 0x04 }, WebSocketRole.Server)]
    // FIN=1, RSV2=1, Binary(0x2), MASK=1, len=0, key 01 02 03 04
    [InlineData(new byte[] { 0xA2, 0x80, 0x01, 0x02, 0x03, 0x04 }, WebSocketRole.Server)]
    // FIN=1, RSV3=1, Binary(0x2), MASK=1, len=0, key 01 02 03 04
    [InlineData(new byte[] { 0x92, 0x80, 0x01, 0x02, 0x03, 0x04 }, WebSocketRole.Server)]
    // FIN=1, RSV1=1, RSV2=1, RSV3=1, Text(0x1), MASK=0, len=0
    [InlineData(new byte[] { 0xF1, 0x00 }, WebSocketRole.Client)]
    // FIN=0, RSV1=1, Continuation(0x0), MASK=0, len=0
    [InlineData(new byte[] { 0x40, 0x00 }, WebSocketRole.Client)]
    // FIN=1, RSV1=1, Ping(0x9), MASK=0, len=0
    [InlineData(new byte[] { 0xC9, 0x00 }, WebSocketRole.Client)]
    public void TryReadHeader_ReservedBitSet_ProtocolError(byte[] bytes, WebSocketRole role) => AssertProtocolError(bytes, role);

    [Theory]
    // FIN=1, opcode 0x3 (reserved, non-control), MASK=1, len=0, key 01 02 03 04
    [InlineData(new byte[] { 0x83, 0x80, 0x01, 0x02, 0x03, 0x04 })]
    // FIN=1, opcode 0x4 (reserved, non-control), MASK=1, len=0, key 01 02 03 04
    [InlineData(new byte[] { 0x84, 0x80, 0x01, 0x02, 0x03, 0x04 })]
    // FIN=1, opcode 0x5 (reserved, non-control), MASK=1, len=0, key 01 02 03 04
    [InlineData(new byte[] { 0x85, 0x80, 0x01, 0x02, 0x03, 0x04 })]
    // FIN=1, opcode 0x6 (reserved, non-control), MASK=1, len=0, key 01 02 03 04
    [InlineData(new byte[] { 0x86, 0x80, 0x01, 0x02, 0x03, 0x04 })]
    // FIN=1, opcode 0x7 (reserved, non-control), MASK=1, len=0, key 01 02 03 04
    [InlineData(new byte[] { 0x87, 0x80, 0x01, 0x02, 0x03, 0x04 })]
    // FIN=1, opcode 0xB (reserved, control), MASK=1, len=0, key 01 02 03 04
    [InlineData(new byte[] { 0x8B, 0x80, 0x01, 0x02, 0x03, 0x04 })]
    // FIN=1, opcode 0xC (reserved, control), MASK=1, len=0, key 01 02 03 04
    [InlineData(new byte[] { 0x8C, 0x80, 0x01, 0x02, 0x03, 0x04 })]
    // FIN=1, opcode 0xD (reserved, control), MASK=1, len=0, key 01 02 03 04
    [InlineData(new byte[] { 0x8D, 0x80, 0x01, 0x02, 0x03, 0x04 })]
    // FIN=1, opcode 0xE (reserved, control), MASK=1, len=0, key 01 02 03 04
    [InlineData(new byte[] { 0x8E, 0x80, 0x01, 0x02, 0x03, 0x04 })]
    // FIN=1, opcode 0xF (reserved, control), MASK=1, len=0, key 01 02 03 04
    [InlineData(new byte[] { 0x8F, 0x80, 0x01, 0x02, 0x03, 0x04 })]
    // FIN=0, opcode 0x3 (reserved, non-control), MASK=1, len=5, key 01 02 03 04
    [InlineData(new byte[] { 0x03, 0x85, 0x01, 0x02, 0x03, 0x04 })]
    public void TryReadHeader_ReservedOpcode_ProtocolError(byte[] bytes) => AssertProtocolError(bytes, WebSocketRole.Server);

    [Theory]
    // FIN=0, Close(0x8), MASK=1, len=2, key 01 02 03 04
    [InlineData(new byte[] { 0x08, 0x82, 0x01, 0x02, 0x03, 0x04 })]
    // FIN=0, Ping(0x9), MASK=1, len=0, key 01 02 03 04
    [InlineData(new byte[] { 0x09, 0x80, 0x01, 0x02, 0x03, 0x04 })]
    // FIN=0, Pong(0xA), MASK=1, len=0, key 01 02 03 04
    [InlineData(new byte[] { 0x0A, 0x80, 0x01, 0x02, 0x03, 0x04 })]
    public void TryReadHeader_FragmentedControlFrame_ProtocolError(byte[] bytes) => AssertProtocolError(bytes, WebSocketRole.Server);

    [Theory]
    // FIN=1, Ping(0x9), MASK=1, len=126 -> 16-bit length 0x007E, key 01 02 03 04
    [InlineData(new byte[] { 0x89, 0xFE, 0x00, 0x7E, 0x01, 0x02, 0x03, 0x04 })]
    // FIN=1, Close(0x8), MASK=1, len=126 -> 16-bit length 0x0002 (short, but still not a control frame's encoding)
    [InlineData(new byte[] { 0x88, 0xFE, 0x00, 0x02, 0x01, 0x02, 0x03, 0x04 })]
    // FIN=1, Pong(0xA), MASK=1, len=127 -> 64-bit length 0x0000_0000_0001_0000, key 01 02 03 04
    [InlineData(new byte[] { 0x8A, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04 })]
    // FIN=1, Close(0x8), MASK=1, len=127 -> 64-bit length 0x0000_0000_0000_0010, key 01 02 03 04
    [InlineData(new byte[] { 0x88, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x01, 0x02, 0x03, 0x04 })]
    public void TryReadHeader_ControlFrameWithExtendedLength_ProtocolError(byte[] bytes) => AssertProtocolError(bytes, WebSocketRole.Server);

    [Theory]
    // FIN=1, Binary(0x2), MASK=1, len=127 -> 64-bit length 0x8000_0000_0000_0000, key 01 02 03 04
    [InlineData(new byte[] { 0x82, 0xFF, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04 }, WebSocketRole.Server)]
    // FIN=1, Binary(0x2), MASK=1, len=127 -> 64-bit length 0xFFFF_FFFF_FFFF_FFFF, key 01 02 03 04
    [InlineData(new byte[] { 0x82, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x02, 0x03, 0x04 }, WebSocketRole.Server)]
    // FIN=1, Binary(0x2), MASK=0, len=127 -> 64-bit length 0x8000_0000_0000_0000
    [InlineData(new byte[] { 0x82, 0x7F, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, WebSocketRole.Client)]
    // FIN=0, Text(0x1), MASK=0, len=127 -> 64-bit length 0x8000_0000_0000_0001
    [InlineData(new byte[] { 0x01, 0x7F, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01 }, WebSocketRole.Client)]
    public void TryReadHeader_64BitLengthTopBitSet_ProtocolError(byte[] bytes, WebSocketRole role) =>
        // The claimed length is a number to compare, never a size to allocate: the verdict is all there is to see.
        AssertProtocolError(bytes, role);

    [Theory]
    // FIN=0, Binary(0x2), MASK=0, len=126 -> 16-bit length 0x0000: found by fuzz/run.sh (fuzz/corpus/frames/found-length16-not-minimal)
    [InlineData(new byte[] { 0x02, 0x7E, 0x00, 0x00 }, WebSocketRole.Client)]
    // FIN=1, Binary(0x2), MASK=0, len=127 -> 64-bit length 0x0000_0000_0000_1170 (4464 fits the 16-bit field)
    [InlineData(new byte[] { 0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x11, 0x70 }, WebSocketRole.Client)]
    // FIN=1, Binary(0x2), MASK=0, len=127 -> 64-bit length 0x0000_0000_0000_FFFF (the largest 16-bit length)
    [InlineData(new byte[] { 0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF }, WebSocketRole.Client)]
    // FIN=0, Text(0x1), MASK=1, len=127 -> 64-bit length 0x0000_0000_0000_0005, key 01 02 03 04
    [InlineData(new byte[] { 0x01, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x01, 0x02, 0x03, 0x04 }, WebSocketRole.Server)]
    // FIN=1, Binary(0x2), MASK=1, len=126 -> 16-bit length 0x007D (125 fits the 7-bit field), key 01 02 03 04
    [InlineData(new byte[] { 0x82, 0xFE, 0x00, 0x7D, 0x01, 0x02, 0x03, 0x04 }, WebSocketRole.Server)]
    // FIN=1, Binary(0x2), MASK=0, len=126 -> 16-bit length 0x0000
    [InlineData(new byte[] { 0x82, 0x7E, 0x00, 0x00 }, WebSocketRole.Client)]
    public void TryReadHeader_LengthNotMinimallyEncoded_ProtocolError(byte[] bytes, WebSocketRole role) =>
        // RFC 6455 §5.2: "the minimal number of bytes MUST be used to encode the length".
        AssertProtocolError(bytes, role);

    [Theory]
    // FIN=1, Binary(0x2), MASK=0, len=0
    [InlineData(new byte[] { 0x82, 0x00 })]
    // FIN=1, Text(0x1), MASK=0, len=3, "abc"
    [InlineData(new byte[] { 0x81, 0x03, 0x61, 0x62, 0x63 })]
    // FIN=1, Close(0x8), MASK=0, len=2, code 1000
    [InlineData(new byte[] { 0x88, 0x02, 0x03, 0xE8 })]
    // FIN=1, Binary(0x2), MASK=0, len=126 -> 16-bit length 0x0100
    [InlineData(new byte[] { 0x82, 0x7E, 0x01, 0x00 })]
    public void TryReadHeader_UnmaskedFrameInServerRole_ProtocolError(byte[] bytes) => AssertProtocolError(bytes, WebSocketRole.Server);

    [Theory]
    // FIN=1, Binary(0x2), MASK=1, len=0, key 01 02 03 04
    [InlineData(new byte[] { 0x82, 0x80, 0x01, 0x02, 0x03, 0x04 })]
    // FIN=1, Ping(0x9), MASK=1, len=0, key 00 00 00 00 (a zero key is still a masked frame)
    [InlineData(new byte[] { 0x89, 0x80, 0x00, 0x00, 0x00, 0x00 })]
    // FIN=1, Text(0x1), MASK=1, len=127 -> 64-bit length 0x0000_0000_0001_0000, key 01 02 03 04
    [InlineData(new byte[] { 0x81, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04 })]
    public void TryReadHeader_MaskedFrameInClientRole_ProtocolError(byte[] bytes) => AssertProtocolError(bytes, WebSocketRole.Client);

    [Theory]
    // FIN=1, RSV1=1, Binary(0x2), MASK=1, len=127 (the 8 length bytes and the key have not arrived)
    [InlineData(new byte[] { 0xC2, 0xFF }, WebSocketRole.Server)]
    // FIN=1, opcode 0x3 (reserved), MASK=1, len=126 (the 2 length bytes and the key have not arrived)
    [InlineData(new byte[] { 0x83, 0xFE }, WebSocketRole.Server)]
    // FIN=0, Ping(0x9), MASK=1, len=0 (the key has not arrived)
    [InlineData(new byte[] { 0x09, 0x80 }, WebSocketRole.Server)]
    // FIN=1, Close(0x8), MASK=1, len=127 (the 8 length bytes and the key have not arrived)
    [InlineData(new byte[] { 0x88, 0xFF }, WebSocketRole.Server)]
    // FIN=1, Binary(0x2), MASK=0, len=127 (the 8 length bytes have not arrived)
    [InlineData(new byte[] { 0x82, 0x7F }, WebSocketRole.Server)]
    // FIN=1, Binary(0x2), MASK=1, len=126 (the 2 length bytes and the key have not arrived)
    [InlineData(new byte[] { 0x82, 0xFE }, WebSocketRole.Client)]
    public void TryReadHeader_FirstTwoBytesCondemn_ProtocolErrorBeforeRestArrives(byte[] bytes, WebSocketRole role) => AssertProtocolError(bytes, role);

    private static void AssertProtocolError(byte[] bytes, WebSocketRole role)
    {
        Assert.Equal(FrameReadStatus.ProtocolError, FrameReader.TryReadHeader(bytes, role, out var fromSpan, out var spanCode));
        Assert.Equal(CloseStatus.ProtocolError, spanCode);
        Assert.Equal(default, fromSpan);

        foreach (var shape in SequenceFactory.AllShapes(bytes))
        {
            var status = FrameReader.TryReadHeader(shape, role, out var header, out var code);

            Assert.Equal(FrameReadStatus.ProtocolError, status);
            Assert.Equal(CloseStatus.ProtocolError, code);
            Assert.Equal(default, header);
        }
    }
}
