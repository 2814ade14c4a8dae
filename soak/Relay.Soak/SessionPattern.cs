using System.Buffers.Binary;

namespace Relay.Soak;

/// <summary>
/// The deterministic byte stream of a session: byte <c>p</c> of session <c>id</c> is a pure function of (seed, id, p),
/// so the target can send it, the client can check any prefix of it, and a mismatch names its offset.
/// </summary>
public static class SessionPattern
{
    /// <summary>Writes the stream's bytes [offset, offset + destination.Length) into <paramref name="destination"/>.</summary>
    public static void Fill(long key, long offset, Span<byte> destination)
    {
        Span<byte> block = stackalloc byte[8];
        var index = offset >> 3;
        var skip = (int)(offset & 7);
        var written = 0;
        while (written < destination.Length)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(block, Mix((ulong)key, (ulong)index));
            var take = Math.Min(8 - skip, destination.Length - written);
            block.Slice(skip, take).CopyTo(destination[written..]);
            written += take;
            skip = 0;
            index++;
        }
    }

    /// <summary>Returns the offset of the first byte of <paramref name="received"/> that differs from the stream at
    /// <paramref name="offset"/>, or -1 when all match.</summary>
    public static long FindMismatch(long key, long offset, ReadOnlySpan<byte> received, Span<byte> scratch)
    {
        var checkedBytes = 0;
        while (checkedBytes < received.Length)
        {
            var take = Math.Min(scratch.Length, received.Length - checkedBytes);
            var expected = scratch[..take];
            Fill(key, offset + checkedBytes, expected);
            var at = expected.CommonPrefixLength(received.Slice(checkedBytes, take));
            if (at < take)
            {
                return offset + checkedBytes + at;
            }

            checkedBytes += take;
        }

        return -1;
    }

    /// <summary>splitmix64 of the session key and the 8-byte block index.</summary>
    private static ulong Mix(ulong key, ulong index)
    {
        var z = key * 0x9E3779B97F4A7C15UL + index * 0xBF58476D1CE4E5B9UL + 0x94D049BB133111EBUL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
