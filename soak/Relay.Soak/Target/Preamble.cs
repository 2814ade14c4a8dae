using System.Buffers.Binary;

namespace Relay.Soak.Target;

/// <summary>
/// The first bytes every soak client sends through the relay: "SOAK", the mode byte, the session id (8 bytes) and the
/// mode's parameter (8 bytes), both big-endian.
/// </summary>
public readonly record struct Preamble(TargetMode Mode, long SessionId, long Parameter)
{
    public const int Length = 21;

    private static ReadOnlySpan<byte> Magic => "SOAK"u8;

    public byte[] ToBytes()
    {
        var bytes = new byte[Length];
        Magic.CopyTo(bytes);
        bytes[4] = (byte)Mode;
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(5), SessionId);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(13), Parameter);
        return bytes;
    }

    public static bool TryParse(ReadOnlySpan<byte> bytes, out Preamble preamble)
    {
        preamble = default;
        if (bytes.Length < Length || !bytes.StartsWith(Magic) || !Enum.IsDefined((TargetMode)bytes[4]))
        {
            return false;
        }

        preamble = new Preamble((TargetMode)bytes[4], BinaryPrimitives.ReadInt64BigEndian(bytes[5..]), BinaryPrimitives.ReadInt64BigEndian(bytes[13..]));
        return true;
    }
}
