using System.Buffers.Binary;
using System.Numerics;

namespace Relay.Core.Handshake;

/// <summary>
/// SHA-1 (FIPS 180-4 §6.1) for the one place RFC 6455 needs it: the 60-byte accept input of a handshake. Not a security
/// function here (RFC 6455 §4.2.2 uses it as a fixed transform that proves the server read the key), and not used
/// for anything else.
/// </summary>
/// <remarks>
/// <see cref="System.Security.Cryptography.SHA1"/> is OpenSSL on Linux: the first handshake loaded libcrypto into a
/// plain ws:// relay (3.8 MiB of resident memory, 0.4 KiB per session at 9,000 idle sessions) and paid OpenSSL's
/// initialisation. Checked against it on every length from 0 to 300 bytes (Sha1Tests).
/// </remarks>
internal static class Sha1
{
    public const int HashSizeInBytes = 20;

    private const int BlockSize = 64;

    public static void HashData(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, HashSizeInBytes, nameof(destination));
        Span<uint> state = stackalloc uint[5];
        state[0] = 0x67452301;
        state[1] = 0xEFCDAB89;
        state[2] = 0x98BADCFE;
        state[3] = 0x10325476;
        state[4] = 0xC3D2E1F0;
        Span<uint> schedule = stackalloc uint[80];

        var whole = source.Length / BlockSize * BlockSize;
        for (var offset = 0; offset < whole; offset += BlockSize)
        {
            Compress(source.Slice(offset, BlockSize), state, schedule);
        }

        // Padding: 0x80, zeros, and the length in bits as a big-endian 64-bit number, in one block or two.
        Span<byte> tail = stackalloc byte[2 * BlockSize];
        tail.Clear();
        var rest = source[whole..];
        rest.CopyTo(tail);
        tail[rest.Length] = 0x80;
        var tailLength = rest.Length + 1 + sizeof(ulong) <= BlockSize ? BlockSize : 2 * BlockSize;
        BinaryPrimitives.WriteUInt64BigEndian(tail[(tailLength - sizeof(ulong))..], (ulong)source.Length * 8);
        for (var offset = 0; offset < tailLength; offset += BlockSize)
        {
            Compress(tail.Slice(offset, BlockSize), state, schedule);
        }

        for (var i = 0; i < state.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[(i * 4)..], state[i]);
        }
    }

    private static void Compress(ReadOnlySpan<byte> block, Span<uint> state, Span<uint> w)
    {
        for (var t = 0; t < 16; t++)
        {
            w[t] = BinaryPrimitives.ReadUInt32BigEndian(block[(t * 4)..]);
        }

        for (var t = 16; t < 80; t++)
        {
            w[t] = BitOperations.RotateLeft(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
        }

        uint a = state[0], b = state[1], c = state[2], d = state[3], e = state[4];
        for (var t = 0; t < 80; t++)
        {
            var (f, k) = t switch
            {
                < 20 => ((b & c) | (~b & d), 0x5A827999u),
                < 40 => (b ^ c ^ d, 0x6ED9EBA1u),
                < 60 => ((b & c) | (b & d) | (c & d), 0x8F1BBCDCu),
                _ => (b ^ c ^ d, 0xCA62C1D6u),
            };
            var temp = BitOperations.RotateLeft(a, 5) + f + e + k + w[t];
            e = d;
            d = c;
            c = BitOperations.RotateLeft(b, 30);
            b = a;
            a = temp;
        }

        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
    }
}
