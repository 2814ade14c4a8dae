using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Relay.Core.Framing;

/// <summary>Parses and writes the body of a Close frame (RFC 6455 §5.5.1): an optional 2-byte code, then a UTF-8 reason.</summary>
public static class ClosePayload
{
    /// <summary>
    /// Validates a received Close body. Returns 0 and the code (1005 when the body is empty) when it is acceptable,
    /// otherwise the close code to answer with: 1002 for a 1-byte body or a code not allowed on the wire, 1007 for a
    /// reason that is not UTF-8.
    /// </summary>
    public static ushort TryParse(ReadOnlySpan<byte> payload, out ushort code, out string reason)
    {
        code = CloseStatus.NoStatusReceived;
        reason = string.Empty;
        if (payload.IsEmpty)
        {
            return 0;
        }

        if (payload.Length == 1)
        {
            return CloseStatus.ProtocolError;
        }

        code = BinaryPrimitives.ReadUInt16BigEndian(payload);
        if (!CloseStatus.IsValidOnWire(code))
        {
            return CloseStatus.ProtocolError;
        }

        var reasonBytes = payload[2..];
        var utf8 = default(Utf8Validator);
        if (!utf8.TryAppend(reasonBytes) || !utf8.IsComplete)
        {
            return CloseStatus.InvalidPayloadData;
        }

        reason = reasonBytes.IsEmpty ? string.Empty : Encoding.UTF8.GetString(reasonBytes);
        return 0;
    }

    /// <summary>Writes a Close body with <paramref name="code"/> (nothing for 1005) and returns its length (at most 125).</summary>
    public static int Write(Span<byte> destination, ushort code, ReadOnlySpan<char> reason)
    {
        if (code == CloseStatus.NoStatusReceived)
        {
            return 0;
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, code);
        var room = Math.Min(destination.Length, FrameReader.MaxControlPayloadLength) - 2;
        var written = 0;
        if (!reason.IsEmpty)
        {
            // Truncate at a code point boundary so the reason stays valid UTF-8 within the 125-byte limit. Utf8.FromUtf16
            // stops before a code point that does not fit and says so; Encoder.Convert throws when not even the first fits.
            Utf8.FromUtf16(reason, destination.Slice(2, room), out _, out written, replaceInvalidSequences: true, isFinalBlock: true);
        }

        return 2 + written;
    }
}
