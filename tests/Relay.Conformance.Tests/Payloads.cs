using System.Text;

namespace Relay.Conformance.Tests;

/// <summary>Seeded payloads, so a failing case fails the same way twice.</summary>
public static class Payloads
{
    public static byte[] Binary(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>ASCII letters and digits: valid UTF-8 of exactly <paramref name="length"/> bytes.</summary>
    public static byte[] Text(int length, int seed = 2)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ";
        var random = new Random(seed);
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)alphabet[random.Next(alphabet.Length)];
        }

        return bytes;
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
