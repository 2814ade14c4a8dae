using Relay.Core.Framing;

namespace Relay.Core.Tests.Framing;

public class FrameWriterTests
{
    [Theory]
    // FIN=1, Text(0x1), MASK=0, len=5
    [InlineData(Opcode.Text, true, 5L, false, new byte[] { 0x81, 0x05 })]
    // FIN=0, Binary(0x2), MASK=0, len=126 -> 16-bit length 0x007E
    [InlineData(Opcode.Binary, false, 126L, false, new byte[] { 0x02, 0x7E, 0x00, 0x7E })]
    // FIN=1, Binary(0x2), MASK=1, len=127 -> 64-bit length 0x0000_0000_0001_0000, key 01 02 03 04
    [InlineData(Opcode.Binary, true, 65536L, true, new byte[] { 0x82, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04 })]
    // FIN=1, Close(0x8), MASK=1, len=2, key 01 02 03 04
    [InlineData(Opcode.Close, true, 2L, true, new byte[] { 0x88, 0x82, 0x01, 0x02, 0x03, 0x04 })]
    public void WriteHeader_KnownFrame_WritesRfcBytes(Opcode opcode, bool fin, long payloadLength, bool masked, byte[] expected)
    {
        var buffer = new byte[FrameReader.MaxHeaderLength];
        var key = BitConverter.ToInt32([0x01, 0x02, 0x03, 0x04]);

        var length = FrameWriter.WriteHeader(buffer, opcode, fin, payloadLength, masked, key);

        Assert.Equal(expected, buffer[..length]);
        Assert.Equal(expected.Length, FrameWriter.GetHeaderLength(payloadLength, masked));
    }

    [Fact]
    public void WriteHeader_DestinationShorterThanHeader_Throws()
    {
        var buffer = new byte[3];

        Assert.Throws<ArgumentException>(() => FrameWriter.WriteHeader(buffer, Opcode.Binary, true, 126, false, 0));
    }

    [Fact]
    public void WriteHeader_NegativeLength_Throws()
    {
        var buffer = new byte[FrameReader.MaxHeaderLength];

        Assert.Throws<ArgumentOutOfRangeException>(() => FrameWriter.WriteHeader(buffer, Opcode.Binary, true, -1, false, 0));
    }
}
