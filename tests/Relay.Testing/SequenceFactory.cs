using System.Buffers;

namespace Relay.Testing;

/// <summary>
/// Several shapes of the same bytes, for parser tests (Kestrel's ReadOnlySequenceFactory is the model): one array,
/// one byte per segment with empty segments between, and a split at every offset.
/// </summary>
public static class SequenceFactory
{
    /// <summary>Every shape of <paramref name="bytes"/> a parser must treat the same.</summary>
    public static IEnumerable<ReadOnlySequence<byte>> AllShapes(byte[] bytes)
    {
        yield return new ReadOnlySequence<byte>(bytes);
        yield return BytePerSegment(bytes);
        for (var split = 0; split <= bytes.Length; split++)
        {
            yield return Split(bytes, split);
        }
    }

    /// <summary>One byte per segment, with an empty segment between every two.</summary>
    public static ReadOnlySequence<byte> BytePerSegment(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var parts = new List<byte[]>();
        foreach (var b in bytes)
        {
            parts.Add([b]);
            parts.Add([]);
        }

        parts.RemoveAt(parts.Count - 1);
        return Create(parts);
    }

    /// <summary>Two segments, split at <paramref name="offset"/>.</summary>
    public static ReadOnlySequence<byte> Split(byte[] bytes, int offset) =>
        Create([bytes[..offset], bytes[offset..]]);

    /// <summary>A sequence made of the given segments, in order.</summary>
    public static ReadOnlySequence<byte> Create(IReadOnlyList<byte[]> segments)
    {
        if (segments.Count == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(segments[0], 0);
        var last = first;
        for (var i = 1; i < segments.Count; i++)
        {
            last = last.Append(segments[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] data, long runningIndex)
        {
            Memory = data;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] data)
        {
            var next = new Segment(data, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
