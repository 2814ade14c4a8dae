using Relay.Core.Framing;

namespace Relay.Core.Tests.Framing;

public class MaskTests
{
    private const int Seed = 6455;

    public static TheoryData<int> LargeLengths => new() { 4096 + 7, 65536 + 3 };

    [Fact]
    public void Apply_EveryLengthUpTo300AndEveryOffset_MatchesScalar()
    {
        var random = new Random(Seed);
        for (var length = 0; length <= 300; length++)
        {
            for (var offset = 0; offset < 4; offset++)
            {
                AssertMatchesScalar(random, length, offset);
            }
        }
    }

    [Theory]
    [MemberData(nameof(LargeLengths))]
    public void Apply_LargeLengthAndEveryOffset_MatchesScalar(int length)
    {
        var random = new Random(Seed + length);
        for (var offset = 0; offset < 4; offset++)
        {
            AssertMatchesScalar(random, length, offset);
        }
    }

    [Fact]
    public void Apply_UnalignedStartInLargerBuffer_MatchesScalar()
    {
        // Slices that start off any vector boundary, so the vector loop runs on unaligned memory.
        var random = new Random(Seed);
        var backing = new byte[1200];
        random.NextBytes(backing);
        for (var start = 0; start < 40; start++)
        {
            var key = random.Next(int.MinValue, int.MaxValue);
            var expected = backing.AsSpan(start, 1000).ToArray();
            var actual = backing.AsSpan(start, 1000).ToArray();
            Mask.ApplyScalar(expected, key, start & 3);

            Mask.Apply(actual, key, start & 3);

            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void ApplyScalar_KnownKey_XorsWithKeyBytesInWireOrder()
    {
        // RFC 6455 §5.3: octet i is XORed with octet (i MOD 4) of the key; here the key is 01 02 03 04 on the wire.
        var key = BitConverter.ToInt32([0x01, 0x02, 0x03, 0x04]);
        byte[] data = [0x10, 0x10, 0x10, 0x10, 0x10, 0x10];

        var next = Mask.ApplyScalar(data, key, 1);

        Assert.Equal([0x12, 0x13, 0x14, 0x11, 0x12, 0x13], data);
        Assert.Equal(3, next);
    }

    [Fact]
    public void Apply_InPiecesCarryingOffset_EqualsApplyInOneGo()
    {
        var random = new Random(Seed);
        for (var round = 0; round < 200; round++)
        {
            var length = random.Next(0, 700);
            var key = random.Next(int.MinValue, int.MaxValue);
            var offset = random.Next(0, 4);
            var input = new byte[length];
            random.NextBytes(input);

            var whole = input.ToArray();
            var wholeNext = Mask.Apply(whole, key, offset);

            var pieces = input.ToArray();
            var position = 0;
            var next = offset;
            while (position < length)
            {
                // Pieces of 0 to 80 bytes: empty ones, sub-word ones and ones wide enough for the vector path.
                var size = Math.Min(random.Next(0, 81), length - position);
                next = Mask.Apply(pieces.AsSpan(position, size), key, next);
                position += size;
            }

            Assert.Equal(whole, pieces);
            Assert.Equal(wholeNext, next);
            Assert.Equal((offset + length) & 3, next);
        }
    }

    [Fact]
    public void Apply_Twice_RestoresInput()
    {
        var random = new Random(Seed);
        foreach (var length in new[] { 0, 1, 3, 4, 5, 31, 32, 33, 64, 100, 4096 + 7 })
        {
            for (var offset = 0; offset < 4; offset++)
            {
                var key = random.Next(int.MinValue, int.MaxValue) | 1; // never the zero key, which would prove nothing
                var input = new byte[length];
                random.NextBytes(input);
                var data = input.ToArray();

                Mask.Apply(data, key, offset);
                if (length >= 4)
                {
                    Assert.NotEqual(input, data);
                }

                Mask.Apply(data, key, offset);
                Assert.Equal(input, data);
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Apply_EmptyData_ReturnsSameOffset(int offset)
    {
        Assert.Equal(offset, Mask.Apply([], 0x12345678, offset));
        Assert.Equal(offset, Mask.ApplyScalar([], 0x12345678, offset));
    }

    [Fact]
    public void ApplyTo_MovedDownByEveryHeaderLength_MatchesScalarAtTheDestination()
    {
        // The pump's use: a payload moved down over the header(s) in front of it, overlapping, in one pass. Shifts of
        // 2 to 14 bytes (a header) and far beyond, lengths across the vector, word and byte loops, every key offset.
        var random = new Random(Seed);
        foreach (var shift in new[] { 0, 1, 2, 3, 4, 5, 6, 8, 10, 13, 14, 16, 28, 31, 32, 33, 100 })
        {
            foreach (var length in new[] { 0, 1, 3, 4, 5, 15, 16, 17, 31, 32, 33, 63, 64, 65, 200, 4096 + 7 })
            {
                for (var offset = 0; offset < 4; offset++)
                {
                    var key = random.Next(int.MinValue, int.MaxValue);
                    var backing = new byte[shift + length + 8];
                    random.NextBytes(backing);
                    var expected = backing.AsSpan(shift, length).ToArray();
                    var expectedNext = Mask.ApplyScalar(expected, key, offset);
                    var after = backing.AsSpan(shift + length).ToArray();

                    var next = Mask.ApplyTo(backing.AsSpan(shift, length), backing.AsSpan(0, length), key, offset);

                    Assert.True(expected.AsSpan().SequenceEqual(backing.AsSpan(0, length)), $"shift {shift}, length {length}, offset {offset}");
                    Assert.True(after.AsSpan().SequenceEqual(backing.AsSpan(shift + length)), "bytes past the source changed");
                    Assert.Equal(expectedNext, next);
                }
            }
        }
    }

    [Fact]
    public void ApplyTo_SeparateArraysAndPieces_EqualsApplyInPlace()
    {
        var random = new Random(Seed);
        for (var round = 0; round < 200; round++)
        {
            var length = random.Next(0, 700);
            var key = random.Next(int.MinValue, int.MaxValue);
            var offset = random.Next(0, 4);
            var input = new byte[length];
            random.NextBytes(input);
            var inPlace = input.ToArray();
            var inPlaceNext = Mask.Apply(inPlace, key, offset);

            var destination = new byte[length + 5];
            var position = 0;
            var next = offset;
            while (position < length)
            {
                var size = Math.Min(random.Next(0, 81), length - position);
                next = Mask.ApplyTo(input.AsSpan(position, size), destination.AsSpan(position), key, next);
                position += size;
            }

            Assert.True(inPlace.AsSpan().SequenceEqual(destination.AsSpan(0, length)));
            Assert.Equal(inPlaceNext, next);
        }
    }

    [Fact]
    public void ApplyTo_OverlappingDestinationAfterSource_Throws()
    {
        var backing = new byte[100];

        Assert.Throws<ArgumentException>(() => Mask.ApplyTo(backing.AsSpan(0, 50), backing.AsSpan(10, 50), 0x12345678, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Mask.ApplyTo(backing.AsSpan(0, 50), new byte[49], 0x12345678, 0));
    }

    private static void AssertMatchesScalar(Random random, int length, int offset)
    {
        var key = random.Next(int.MinValue, int.MaxValue);
        var input = new byte[length];
        random.NextBytes(input);
        var expected = input.ToArray();
        var actual = input.ToArray();

        var expectedNext = Mask.ApplyScalar(expected, key, offset);
        var actualNext = Mask.Apply(actual, key, offset);

        Assert.True(expected.AsSpan().SequenceEqual(actual), $"length {length}, offset {offset}, key 0x{key:X8}");
        Assert.Equal(expectedNext, actualNext);
    }
}
