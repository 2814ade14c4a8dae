using System.Buffers.Binary;

namespace Relay.Core.Framing;

/// <summary>Writes RFC 6455 frame headers into a caller's span. The payload is the caller's: it usually sits right behind.</summary>
public static class FrameWriter
{
    /// <summary>The header length for a payload of <paramref name="payloadLength"/> bytes: 2, 4 or 10, plus 4 when masked.</summary>
    public static int GetHeaderLength(long payloadLength, bool masked)
    {
        var length = payloadLength <= 125 ? 2 : payloadLength <= ushort.MaxValue ? 4 : 10;
        return masked ? length + 4 : length;
    }

    /// <summary>
    /// Writes a header and returns its length. <paramref name="maskKey"/> is written as the key when
    /// <paramref name="masked"/>; the caller masks the payload with the same key (<see cref="Mask.Apply"/>).
    /// </summary>
    public static int WriteHeader(Span<byte> destination, Opcode opcode, bool fin, long payloadLength, bool masked, int maskKey)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        var length = GetHeaderLength(payloadLength, masked);
        if (destination.Length < length)
        {
            throw new ArgumentException("Destination too short for the frame header.", nameof(destination));
        }

        destination[0] = (byte)((fin ? 0x80 : 0) | (byte)opcode);
        var maskBit = masked ? 0x80 : 0;
        int offset;
        if (payloadLength <= 125)
        {
            destination[1] = (byte)(maskBit | (int)payloadLength);
            offset = 2;
        }
        else if (payloadLength <= ushort.MaxValue)
        {
            destination[1] = (byte)(maskBit | 126);
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payloadLength);
            offset = 4;
        }
        else
        {
            destination[1] = (byte)(maskBit | 127);
            BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payloadLength);
            offset = 10;
        }

        if (masked)
        {
            BitConverter.TryWriteBytes(destination[offset..], maskKey);
        }

        return length;
    }
}
