using System.Buffers;
using Relay.Core.Framing;

namespace Relay.Testing;

/// <summary>
/// Reads a WebSocket byte stream the way the session's receive loop does (FrameReader over a multi-segment sequence,
/// MessageState, Mask, ClosePayload) and records what it saw as events. Bytes may be fed in any chunks: a parser that
/// is right yields the same events however the stream was cut. Shared by the property tests and the fuzz harness.
/// </summary>
/// <remarks>
/// Every chunk is kept as its own exactly-sized array, so a read past what was given fails with an exception.
/// The bytes the codec itself allocates (header reads, message state, unmasking, UTF-8 checks) are counted in
/// <see cref="CodecAllocatedBytes"/>: a claimed length is a number to compare, never a size to allocate, so it stays 0.
/// </remarks>
public sealed class FrameStreamReader
{
    private readonly WebSocketRole _role;
    private readonly long _maxMessageSize;
    private readonly List<byte[]> _pending = [];
    private readonly List<FrameEvent> _events = [];
    private MessageState _message;
    private FrameHeader _header;
    private bool _inFrame;
    private long _frameRemaining;
    private int _maskOffset;

    public FrameStreamReader(WebSocketRole role, long maxMessageSize = 0)
    {
        _role = role;
        _maxMessageSize = maxMessageSize;
    }

    public IReadOnlyList<FrameEvent> Events => _events;

    /// <summary>True once a protocol error or a Close ended the stream; later bytes are ignored.</summary>
    public bool Ended { get; private set; }

    /// <summary>Bytes allocated on this thread inside the codec's calls (never the reader's own bookkeeping).</summary>
    public long CodecAllocatedBytes { get; private set; }

    /// <summary>Reads <paramref name="bytes"/> in one piece, in a new reader.</summary>
    public static FrameStreamReader ReadWhole(ReadOnlySpan<byte> bytes, WebSocketRole role, long maxMessageSize = 0)
    {
        var reader = new FrameStreamReader(role, maxMessageSize);
        reader.Feed(bytes);
        return reader;
    }

    /// <summary>Reads <paramref name="bytes"/> cut into chunks of the given sizes (the last chunk takes the rest), in a new reader.</summary>
    public static FrameStreamReader ReadInChunks(ReadOnlySpan<byte> bytes, IEnumerable<int> chunkSizes, WebSocketRole role, long maxMessageSize = 0)
    {
        var reader = new FrameStreamReader(role, maxMessageSize);
        var offset = 0;
        foreach (var size in chunkSizes)
        {
            if (offset >= bytes.Length)
            {
                break;
            }

            var take = Math.Clamp(size, 0, bytes.Length - offset);
            reader.Feed(bytes.Slice(offset, take));
            offset += take;
        }

        reader.Feed(bytes[offset..]);
        return reader;
    }

    /// <summary>Appends the next piece of the stream (copied) and reads as far as it allows.</summary>
    public void Feed(ReadOnlySpan<byte> chunk)
    {
        if (Ended)
        {
            return;
        }

        // An empty chunk still goes in as an empty segment: the sequence reader must step over it.
        _pending.Add(chunk.ToArray());
        Process();
    }

    /// <summary>The events as one line each, for comparing two readings and printing a difference.</summary>
    public string Describe() => string.Join('\n', _events.Select(e => e.ToString()));

    private long PendingLength => _pending.Sum(segment => (long)segment.Length);

    private void Process()
    {
        while (!Ended)
        {
            if (!_inFrame)
            {
                var sequence = SequenceFactory.Create(_pending);
                var before = GC.GetAllocatedBytesForCurrentThread();
                var status = FrameReader.TryReadHeader(sequence, _role, out var header, out var code);
                if (status == FrameReadStatus.Header)
                {
                    code = _message.OnHeader(header, _maxMessageSize);
                }

                CodecAllocatedBytes += GC.GetAllocatedBytesForCurrentThread() - before;
                if (status == FrameReadStatus.NeedMoreData)
                {
                    return;
                }

                if (code != 0)
                {
                    Fail(code);
                    return;
                }

                if (header.IsControl && PendingLength < header.HeaderLength + header.PayloadLength)
                {
                    return; // a control frame is handled whole, as the session does
                }

                _events.Add(new FrameEvent(FrameEventKind.Header, header, Take(header.HeaderLength)));
                if (header.IsControl)
                {
                    OnControlFrame(header, Take((int)header.PayloadLength));
                    continue;
                }

                _header = header;
                _inFrame = true;
                _frameRemaining = header.PayloadLength;
                _maskOffset = 0;
            }

            var available = (int)Math.Min(_frameRemaining, PendingLength);
            if (available > 0)
            {
                var payload = Take(available);
                var before = GC.GetAllocatedBytesForCurrentThread();
                if (_header.Masked)
                {
                    _maskOffset = Mask.Apply(payload, _header.MaskKey, _maskOffset);
                }

                var valid = _message.OnPayload(payload);
                CodecAllocatedBytes += GC.GetAllocatedBytesForCurrentThread() - before;
                if (!valid)
                {
                    // Where in the frame the bad byte was seen depends on how the stream was cut: drop the frame's
                    // payload so that every cut reads the same.
                    if (_events[^1].Kind == FrameEventKind.Payload)
                    {
                        _events.RemoveAt(_events.Count - 1);
                    }

                    Fail(CloseStatus.InvalidPayloadData);
                    return;
                }

                AppendPayload(payload);
                _frameRemaining -= available;
            }

            if (_frameRemaining > 0)
            {
                return;
            }

            _inFrame = false;
            var before2 = GC.GetAllocatedBytesForCurrentThread();
            var endCode = _message.OnFrameEnd(_header.Fin);
            CodecAllocatedBytes += GC.GetAllocatedBytesForCurrentThread() - before2;
            if (endCode != 0)
            {
                Fail(endCode);
                return;
            }
        }
    }

    private void OnControlFrame(FrameHeader header, byte[] payload)
    {
        if (header.Masked)
        {
            Mask.Apply(payload, header.MaskKey, 0);
        }

        if (header.Opcode != Opcode.Close)
        {
            _events.Add(new FrameEvent(FrameEventKind.Control, header, payload));
            return;
        }

        var result = ClosePayload.TryParse(payload, out var code, out var reason);
        _events.Add(new FrameEvent(FrameEventKind.Close, header, payload, result == 0 ? code : result, reason, result != 0));
        Ended = true;
    }

    private void AppendPayload(byte[] payload)
    {
        // Payload is reported per frame, whatever pieces it arrived in.
        if (_events[^1].Kind == FrameEventKind.Payload)
        {
            var last = _events[^1];
            _events[^1] = last with { Bytes = [.. last.Bytes, .. payload] };
        }
        else
        {
            _events.Add(new FrameEvent(FrameEventKind.Payload, _header, payload));
        }
    }

    private void Fail(ushort code)
    {
        _events.Add(new FrameEvent(FrameEventKind.Error, default, [], code));
        Ended = true;
    }

    /// <summary>Removes the first <paramref name="count"/> pending bytes and returns them in one array.</summary>
    private byte[] Take(int count)
    {
        var result = new byte[count];
        var sequence = SequenceFactory.Create(_pending);
        sequence.Slice(0, count).CopyTo(result);
        var rest = sequence.Slice(count).ToArray();
        _pending.Clear();
        if (rest.Length > 0)
        {
            _pending.Add(rest);
        }

        return result;
    }
}
