using System.Security.Cryptography;
using Relay.Core.Handshake;

namespace Relay.Core.Tests.Handshake;

public class Sha1Tests
{
    [Theory]
    [InlineData("", "da39a3ee5e6b4b0d3255bfef95601890afd80709")]
    [InlineData("abc", "a9993e364706816aba3e25717850c26c9cd0d89d")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1")]
    public void HashData_FipsExamples_MatchTheStandard(string message, string expectedHex)
    {
        var hash = new byte[Sha1.HashSizeInBytes];
        Sha1.HashData(System.Text.Encoding.ASCII.GetBytes(message), hash);
        Assert.Equal(expectedHex, Convert.ToHexStringLower(hash));
    }

    [Fact]
    public void HashData_EveryLengthUpTo300_MatchesTheBcl()
    {
        // Covers every padding case: the tail fits one block (up to 55 bytes), needs two (56 to 63), and whole blocks.
        var random = new Random(6455);
        var hash = new byte[Sha1.HashSizeInBytes];
        for (var length = 0; length <= 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            Sha1.HashData(data, hash);
#pragma warning disable CA5350 // The BCL's SHA-1 is the reference here.
            Assert.Equal(Convert.ToHexString(SHA1.HashData(data)), Convert.ToHexString(hash));
#pragma warning restore CA5350
        }
    }

    [Fact]
    public void HashData_ShortDestination_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Sha1.HashData([1, 2, 3], new byte[19]));
    }
}
