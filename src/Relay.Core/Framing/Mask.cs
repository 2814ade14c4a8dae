using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Relay.Core.Framing;

/// <summary>
/// RFC 6455 §5.3 masking: payload byte i is XORed with mask key byte (i mod 4). Masking and unmasking are the same
/// operation. The key is held as the int whose memory bytes are the key's wire bytes, so one XOR covers four bytes.
/// </summary>
public static class Mask
{
    /// <summary>
    /// XORs <paramref name="data"/> in place with the key, starting at key byte <paramref name="keyOffset"/> (0-3), and
    /// returns the key offset for the next byte, so a payload that arrives in pieces resumes where it stopped.
    /// </summary>
    public static int Apply(Span<byte> data, int maskKey, int keyOffset) => ApplyTo(data, data, maskKey, keyOffset);

    /// <summary>
    /// XORs <paramref name="source"/> with the key into <paramref name="destination"/> (at least as long), starting at
    /// key byte <paramref name="keyOffset"/>, and returns the key offset for the next byte. The two may be the same
    /// bytes (<see cref="Apply"/>) or overlap when <paramref name="destination"/> starts before
    /// <paramref name="source"/>: every block is loaded before the store that could reach it, so the pump unmasks a
    /// frame's payload and moves it down over the header in front of it in the one pass over the bytes that unmasking
    /// costs anyway. Vector-wide first, then four bytes, then one, as runtime's ManagedWebSocket.ApplyMask does.
    /// </summary>
    public static int ApplyTo(ReadOnlySpan<byte> source, Span<byte> destination, int maskKey, int keyOffset)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, source.Length, nameof(destination));
        if (source.IsEmpty)
        {
            return keyOffset;
        }

        if (source.Overlaps(destination, out var destinationOffset) && destinationOffset > 0)
        {
            throw new ArgumentException("an overlapping destination must not start after the source", nameof(destination));
        }

        var next = (keyOffset + source.Length) & 3;
        if (!BitConverter.IsLittleEndian)
        {
            source.CopyTo(destination); // a move when they overlap
            ApplyScalar(destination[..source.Length], maskKey, keyOffset);
            return next;
        }

        // Rotate the key so that its byte at keyOffset lines up with source[0] (little-endian: byte k is bits 8k..8k+7).
        var key = BitOperations.RotateRight((uint)maskKey, keyOffset * 8);
        ref var from = ref MemoryMarshal.GetReference(source);
        ref var to = ref MemoryMarshal.GetReference(destination);
        var length = (nuint)source.Length;
        nuint i = 0;
        if (Vector256.IsHardwareAccelerated && length >= (nuint)Vector256<byte>.Count)
        {
            var keyVector = Vector256.Create(key).AsByte();
            var last = length - (nuint)Vector256<byte>.Count;
            for (; i <= last; i += (nuint)Vector256<byte>.Count)
            {
                (Vector256.LoadUnsafe(ref from, i) ^ keyVector).StoreUnsafe(ref to, i);
            }
        }
        else if (Vector128.IsHardwareAccelerated && length >= (nuint)Vector128<byte>.Count)
        {
            var keyVector = Vector128.Create(key).AsByte();
            var last = length - (nuint)Vector128<byte>.Count;
            for (; i <= last; i += (nuint)Vector128<byte>.Count)
            {
                (Vector128.LoadUnsafe(ref from, i) ^ keyVector).StoreUnsafe(ref to, i);
            }
        }

        // Vector widths are multiples of 4, so the key is still aligned with source[i] here.
        for (; i + 4 <= length; i += 4)
        {
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref to, i), Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref from, i)) ^ key);
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref to, i) = (byte)(Unsafe.Add(ref from, i) ^ (byte)(key >> (int)((i & 3) * 8)));
        }

        return next;
    }

    /// <summary>The definition, byte by byte: the reference the vectorized path is tested against.</summary>
    public static int ApplyScalar(Span<byte> data, int maskKey, int keyOffset)
    {
        Span<byte> key = stackalloc byte[4];
        BitConverter.TryWriteBytes(key, maskKey);
        for (var i = 0; i < data.Length; i++)
        {
            data[i] ^= key[(keyOffset + i) & 3];
        }

        return (keyOffset + data.Length) & 3;
    }
}
