using System.Text;
using System.Text.Unicode;
using Relay.Core.Framing;

namespace Relay.Core.Tests.Framing;

public class Utf8ValidatorTests
{
    private const int Seed = 3629;

    // 1-, 2-, 3- and 4-byte code points, including the edges of each range (U+007F, U+0080, U+07FF, U+0800, U+FFFF,
    // U+10000, U+10FFFF) and the last code points before and after the surrogate gap (U+D7FF, U+E000).
    private static readonly byte[] s_text = Encoding.UTF8.GetBytes(
        "aé€🎉 Grüße, 世界! \u007F\u0080\u07FF\u0800\uD7FF\uE000\uFFFF\U00010000\U0010FFFF Ω end");

    public static TheoryData<byte[]> InvalidSequences => new()
    {
        { [0xC0, 0x80] },             // overlong NUL
        { [0xC1, 0xBF] },             // overlong U+007F
        { [0xE0, 0x80, 0x80] },       // overlong 3-byte NUL
        { [0xE0, 0x9F, 0xBF] },       // overlong U+07FF
        { [0xED, 0xA0, 0x80] },       // UTF-16 surrogate U+D800
        { [0xED, 0xBF, 0xBF] },       // UTF-16 surrogate U+DFFF
        { [0xF0, 0x80, 0x80, 0x80] }, // overlong 4-byte NUL
        { [0xF0, 0x8F, 0xBF, 0xBF] }, // overlong U+FFFF
        { [0xF4, 0x90, 0x80, 0x80] }, // U+110000, above U+10FFFF
        { [0xF5, 0x80, 0x80, 0x80] }, // F5 never appears in UTF-8
        { [0xF5] },
        { [0xFF] },
        { [0x80] },                   // lone continuation
        { [0xBF, 0x80] },
        { [0xC2, 0x41] },             // lead byte followed by ASCII
        { [0xE2, 0x82, 0x41] },       // 3-byte sequence cut by ASCII
        { [0xE2, 0x82, 0xAC, 0xAC] }, // one continuation too many
    };

    [Fact]
    public void TryAppend_TextSplitInTwoAtEveryOffset_ValidAndComplete()
    {
        for (var split = 0; split <= s_text.Length; split++)
        {
            var validator = default(Utf8Validator);

            Assert.True(validator.TryAppend(s_text.AsSpan(0, split)), $"first chunk of split {split}");
            Assert.Equal(IsBoundary(s_text, split), validator.IsComplete);
            Assert.True(validator.TryAppend(s_text.AsSpan(split)), $"second chunk of split {split}");
            Assert.True(validator.IsComplete, $"split {split}");
        }
    }

    [Fact]
    public void TryAppend_OneBytePerChunk_ValidAndComplete()
    {
        var validator = default(Utf8Validator);
        for (var i = 0; i < s_text.Length; i++)
        {
            Assert.True(validator.TryAppend(s_text.AsSpan(i, 1)), $"byte {i}");
            Assert.Equal(IsBoundary(s_text, i + 1), validator.IsComplete);
        }

        Assert.True(validator.IsComplete);
    }

    [Theory]
    [InlineData(new byte[] { 0xE2 }, new byte[] { 0x82 }, new byte[] { 0xAC })] // € one byte at a time
    [InlineData(new byte[] { 0x61, 0xF0, 0x9F }, new byte[] { 0x8E, 0x89, 0x62 }, new byte[0])] // 🎉 cut in the middle
    [InlineData(new byte[] { 0xF4, 0x8F }, new byte[0], new byte[] { 0xBF, 0xBF })] // U+10FFFF with an empty chunk between
    [InlineData(new byte[] { 0xED }, new byte[] { 0x9F, 0xBF }, new byte[] { 0x7A })] // U+D7FF, the last before the surrogates
    [InlineData(new byte[] { 0xE0, 0xA0 }, new byte[] { 0x80, 0xC3 }, new byte[] { 0xA9 })] // U+0800 then é, both cut
    public void TryAppend_CodePointSplitAcrossChunks_Accepted(byte[] first, byte[] second, byte[] third)
    {
        var validator = default(Utf8Validator);

        Assert.True(validator.TryAppend(first));
        Assert.False(validator.IsComplete);
        Assert.True(validator.TryAppend(second));
        Assert.True(validator.TryAppend(third));
        Assert.True(validator.IsComplete);
    }

    [Theory]
    [MemberData(nameof(InvalidSequences))]
    public void TryAppend_InvalidSequence_RejectedWholeAndInEverySplit(byte[] sequence)
    {
        // Alone, and between valid text, so that the bad bytes land in the vectorized run as well as at chunk edges.
        foreach (var bytes in new[] { sequence, [.. "ab"u8, .. sequence, .. "cd"u8], [.. s_text, .. sequence] })
        {
            Assert.False(Validate([bytes]));
            Assert.False(Validate(bytes.Select(b => new[] { b }).ToArray()), "one byte per chunk");
            for (var split = 0; split <= bytes.Length; split++)
            {
                Assert.False(Validate([bytes[..split], bytes[split..]]), $"split at {split}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(InvalidSequences))]
    public void TryAppend_InvalidSequence_ReturnsFalseRatherThanIncomplete(byte[] sequence)
    {
        var validator = default(Utf8Validator);

        Assert.False(validator.TryAppend(sequence));
    }

    [Theory]
    [InlineData(new byte[] { 0xC3 })]                   // é without its continuation
    [InlineData(new byte[] { 0x61, 0xE2, 0x82 })]       // € cut after two bytes
    [InlineData(new byte[] { 0xF0, 0x9F, 0x8E })]       // 🎉 cut after three bytes
    [InlineData(new byte[] { 0x61, 0x62, 0x63, 0xF4 })] // a lone 4-byte lead at the end
    public void TryAppend_TruncatedAtEnd_AcceptedButNotComplete(byte[] bytes)
    {
        var validator = default(Utf8Validator);

        Assert.True(validator.TryAppend(bytes));
        Assert.False(validator.IsComplete);
    }

    [Fact]
    public void Reset_AfterOpenCodePoint_IsCompleteAndAcceptsFreshText()
    {
        var validator = default(Utf8Validator);
        Assert.True(validator.TryAppend([0xE2, 0x82]));

        validator.Reset();

        Assert.True(validator.IsComplete);
        Assert.True(validator.TryAppend("a"u8)); // an 'a' would break the open € before the reset
        Assert.True(validator.IsComplete);
    }

    [Fact]
    public void TryAppend_RandomBytesSplitAtRandomPoints_AgreesWithUtf8IsValid()
    {
        var random = new Random(Seed);
        var valid = 0;
        var invalid = 0;
        for (var round = 0; round < 4000; round++)
        {
            var bytes = round % 2 == 0 ? RandomBytes(random) : DamagedText(random);
            var chunks = SplitRandomly(random, bytes);

            var expected = Utf8.IsValid(bytes);
            Assert.True(expected == Validate(chunks), $"round {round}: {Convert.ToHexString(bytes)} split {string.Join('|', chunks.Select(Convert.ToHexString))}");
            if (expected)
            {
                valid++;
            }
            else
            {
                invalid++;
            }
        }

        // Both verdicts must be well represented, or the comparison would prove little.
        Assert.InRange(valid, 500, 3500);
        Assert.InRange(invalid, 500, 3500);
    }

    private static bool Validate(IEnumerable<byte[]> chunks)
    {
        var validator = default(Utf8Validator);
        foreach (var chunk in chunks)
        {
            if (!validator.TryAppend(chunk))
            {
                return false;
            }
        }

        return validator.IsComplete;
    }

    private static bool IsBoundary(byte[] bytes, int index) => index == bytes.Length || (bytes[index] & 0xC0) != 0x80;

    /// <summary>Short runs of bytes biased towards the interesting ones (leads, continuations, ASCII), so some are valid.</summary>
    private static byte[] RandomBytes(Random random)
    {
        ReadOnlySpan<byte> interesting = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF];
        var bytes = new byte[random.Next(0, 9)];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = random.Next(3) == 0 ? (byte)random.Next(256) : interesting[random.Next(interesting.Length)];
        }

        return bytes;
    }

    /// <summary>Valid text of random code points from every range, sometimes with one byte changed, dropped or added.</summary>
    private static byte[] DamagedText(Random random)
    {
        var builder = new List<byte>();
        Span<byte> encoded = stackalloc byte[4];
        var count = random.Next(0, 40);
        for (var i = 0; i < count; i++)
        {
            var scalar = random.Next(4) switch
            {
                0 => random.Next(0, 0x80),
                1 => random.Next(0x80, 0x800),
                2 => random.Next(2) == 0 ? random.Next(0x800, 0xD800) : random.Next(0xE000, 0x10000),
                _ => random.Next(0x10000, 0x110000),
            };
            var length = new Rune(scalar).EncodeToUtf8(encoded);
            builder.AddRange(encoded[..length]);
        }

        if (builder.Count > 0 && random.Next(2) == 0)
        {
            var at = random.Next(builder.Count);
            switch (random.Next(3))
            {
                case 0:
                    builder[at] = (byte)random.Next(256);
                    break;
                case 1:
                    builder.RemoveAt(at);
                    break;
                default:
                    builder.Insert(at, (byte)random.Next(0x80, 0x100));
                    break;
            }
        }

        return [.. builder];
    }

    private static List<byte[]> SplitRandomly(Random random, byte[] bytes)
    {
        var cuts = Enumerable.Range(0, random.Next(0, 5)).Select(_ => random.Next(0, bytes.Length + 1)).Order().ToList();
        var chunks = new List<byte[]>();
        var start = 0;
        foreach (var cut in cuts)
        {
            chunks.Add(bytes[start..cut]);
            start = cut;
        }

        chunks.Add(bytes[start..]);
        return chunks;
    }
}
