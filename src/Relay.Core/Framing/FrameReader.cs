using System.Buffers;
using System.Buffers.Binary;

namespace Relay.Core.Framing;

/// <summary>
/// Decodes RFC 6455 §5.2 frame headers. Stateless and pure: bytes in, a header or a verdict out, no allocation.
/// </summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-------+-+-------------+-------------------------------+
/// |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
/// |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
/// |N|V|V|V|       |S|             |   (if payload len==126/127)   |
/// | |1|2|3|       |K|             |                               |
/// +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
/// |     Extended payload length continued, if payload len == 127  |
/// + - - - - - - - - - - - - - - - +-------------------------------+
/// |                               |Masking-key, if MASK set to 1  |
/// +-------------------------------+-------------------------------+
/// </code>
/// </remarks>
public static class FrameReader
{
    /// <summary>The longest header: 2 bytes, 8 bytes of extended length, 4 bytes of mask key.</summary>
    public const int MaxHeaderLength = 14;

    /// <summary>RFC 6455 §5.5: "All control frames MUST have a payload length of 125 bytes or less".</summary>
    public const int MaxControlPayloadLength = 125;

    /// <summary>The largest length the 7-bit field carries itself; 126 and 127 announce a 16- or 64-bit length.</summary>
    private const int MaxSevenBitLength = 125;

    /// <summary>Reads a header from the start of <paramref name="buffer"/>, which may be split anywhere across segments.</summary>
    public static FrameReadStatus TryReadHeader(in ReadOnlySequence<byte> buffer, WebSocketRole role, out FrameHeader header, out ushort closeCode)
    {
        var first = buffer.FirstSpan;
        if (first.Length >= MaxHeaderLength || buffer.IsSingleSegment)
        {
            return TryReadHeader(first, role, out header, out closeCode);
        }

        // The header straddles segments: copy at most 14 bytes to the stack, as Http2FrameReader does with its 9.
        Span<byte> copy = stackalloc byte[MaxHeaderLength];
        var length = (int)Math.Min(buffer.Length, MaxHeaderLength);
        buffer.Slice(0, length).CopyTo(copy);
        return TryReadHeader(copy[..length], role, out header, out closeCode);
    }

    /// <summary>
    /// Reads a header from the start of <paramref name="buffer"/>. Everything a header can get wrong is checked here,
    /// before one payload byte arrives. A claimed length is a number to compare, never a size to allocate.
    /// </summary>
    /// <param name="role">This endpoint's role: a server requires masked frames, a client requires unmasked ones.</param>
    public static FrameReadStatus TryReadHeader(ReadOnlySpan<byte> buffer, WebSocketRole role, out FrameHeader header, out ushort closeCode)
    {
        header = default;
        closeCode = 0;
        if (buffer.Length < 2)
        {
            return FrameReadStatus.NeedMoreData;
        }

        var b0 = buffer[0];
        var b1 = buffer[1];
        var masked = (b1 & 0x80) != 0;
        var length7 = b1 & 0x7F;
        var headerLength = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + (masked ? 4 : 0);

        // Fail what the first two bytes already condemn, even before the rest of the header arrives.
        if ((b0 & 0x70) != 0)
        {
            // RSV1-3 must be 0 unless an extension defining them was negotiated; Relay negotiates none.
            return Fail(CloseStatus.ProtocolError, out closeCode);
        }

        var opcode = (Opcode)(b0 & 0x0F);
        var fin = (b0 & 0x80) != 0;
        var isControl = (b0 & 0x08) != 0;
        if (!IsKnown(opcode))
        {
            return Fail(CloseStatus.ProtocolError, out closeCode);
        }

        if (isControl && (!fin || length7 > MaxControlPayloadLength))
        {
            // RFC 6455 §5.5: control frames MUST NOT be fragmented and carry at most 125 bytes.
            return Fail(CloseStatus.ProtocolError, out closeCode);
        }

        if (masked != (role == WebSocketRole.Server))
        {
            // RFC 6455 §5.1: a server MUST close on an unmasked frame; a client MUST close on a masked one.
            return Fail(CloseStatus.ProtocolError, out closeCode);
        }

        if (buffer.Length < headerLength)
        {
            return FrameReadStatus.NeedMoreData;
        }

        long payloadLength = length7;
        var offset = 2;
        // RFC 6455 §5.2: "the minimal number of bytes MUST be used to encode the length" (126, 0, 124 is not a length
        // of 124). A non-minimal length is refused like any other malformed header; this also keeps every header that
        // reads writing back (FrameWriter) to the same bytes.
        if (length7 == 126)
        {
            payloadLength = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
            if (payloadLength <= MaxSevenBitLength)
            {
                return Fail(CloseStatus.ProtocolError, out closeCode);
            }

            offset = 4;
        }
        else if (length7 == 127)
        {
            var length64 = BinaryPrimitives.ReadUInt64BigEndian(buffer[2..]);
            if (length64 > long.MaxValue)
            {
                // As per RFC, if payload length is a 64-bit integer, the most significant bit MUST be 0.
                return Fail(CloseStatus.ProtocolError, out closeCode);
            }

            if (length64 <= ushort.MaxValue)
            {
                return Fail(CloseStatus.ProtocolError, out closeCode);
            }

            payloadLength = (long)length64;
            offset = 10;
        }

        var maskKey = masked ? BitConverter.ToInt32(buffer.Slice(offset, 4)) : 0;
        header = new FrameHeader(fin, opcode, masked, maskKey, payloadLength, headerLength);
        return FrameReadStatus.Header;
    }

    private static bool IsKnown(Opcode opcode) => opcode is Opcode.Continuation or Opcode.Text or Opcode.Binary
        or Opcode.Close or Opcode.Ping or Opcode.Pong;

    private static FrameReadStatus Fail(ushort code, out ushort closeCode)
    {
        closeCode = code;
        return FrameReadStatus.ProtocolError;
    }
}
