using System.Threading.Tasks.Sources;
using Relay.Core.Transport;

namespace Relay.Benchmarks;

/// <summary>
/// An in-memory <see cref="ByteEndpoint"/> for the pump benchmarks. Its read side replays a pre-built buffer (frames
/// or byte-side chunks, cyclically) as far as the benchmark has released it with <see cref="Feed"/>; its write side
/// counts and discards. Nothing is allocated per operation: a read or zero-byte wait that finds nothing released
/// parks on the endpoint itself (one reusable <see cref="ManualResetValueTaskSourceCore{TResult}"/>).
/// </summary>
/// <remarks>
/// Single producer, single consumer, one thread: continuations run synchronously, so the benchmark thread runs the
/// pump itself, and <see cref="Feed"/> returns once the session has relayed everything it released and is parked
/// again. A session that has worked for a millisecond without a wait yields (BusyTurns, as it does on a socket
/// engine's thread); during a feed the yield posts to <see cref="FeedContext"/>, which runs it on the same benchmark
/// thread. The yield's post is part of the measurement, as it is part of the relay's work; a hop to the thread pool
/// would not be: it would move the session's buffer between threads, and ArrayPool&lt;byte&gt;.Shared then stocks
/// each new pool thread's cache with an array of its own (one per thread, not per message), an allocation that shows
/// in the budget check whenever the pool happens to use a thread it has not used before.
/// </remarks>
internal sealed class MemoryEndpoint : ByteEndpoint, IValueTaskSource<int>
{
    private enum Waiter
    {
        None,
        Data,
        Read,
    }

    private readonly byte[] _source;
    private readonly int _maxRead;
    private int _position;
    private long _released;
    private bool _eof;

    private readonly FeedContext _context = new();
    private ManualResetValueTaskSourceCore<int> _core = new() { RunContinuationsAsynchronously = false };
    private Waiter _waiter;
    private Memory<byte> _pendingRead;

    /// <param name="source">Replayed in a cycle; released amounts must keep whole frames whole.</param>
    /// <param name="maxRead">The most one read returns: the byte side gives one chunk per read, as a socket would.</param>
    public MemoryEndpoint(byte[] source, int maxRead)
    {
        _source = source;
        _maxRead = maxRead;
    }

    /// <summary>Bytes the session has written to this endpoint.</summary>
    public long Written { get; private set; }

    /// <summary>Bytes the session has read from this endpoint.</summary>
    public long Read { get; private set; }

    public int ShutdownCount { get; private set; }

    public override bool SupportsZeroByteReads => true;

    /// <summary>Releases the next <paramref name="bytes"/> of the source to the reader, and runs it until it parks.</summary>
    public void Feed(long bytes)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_context);
        try
        {
            _released += bytes;
            Wake();
            _context.RunUntilParked(this);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    /// <summary>EOF after what was released: the session's reader sees 0.</summary>
    public void Complete()
    {
        _eof = true;
        Wake();
    }

    public override ValueTask<int> WaitForDataAsync(CancellationToken cancellationToken)
    {
        if (_released > 0 || _eof)
        {
            return new ValueTask<int>(_released > 0 ? 1 : 0);
        }

        return Park(Waiter.Data, default);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_released > 0 || _eof || buffer.IsEmpty)
        {
            return new ValueTask<int>(CopyOut(buffer.Span));
        }

        return Park(Waiter.Read, buffer);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        Written += buffer.Length;
        return default;
    }

    public override ValueTask ShutdownSendAsync()
    {
        ShutdownCount++;
        return default;
    }

    public override void Abort() => Complete();

    protected override ValueTask DisposeCoreAsync()
    {
        Complete();
        return default;
    }

    /// <summary>The session's reader waits on this endpoint (set by <see cref="Park"/>, cleared by <see cref="Wake"/>).
    /// Read after the context's signal was reset, whose fence orders it with a park on another thread.</summary>
    private bool IsParked => _waiter != Waiter.None;

    private ValueTask<int> Park(Waiter waiter, Memory<byte> buffer)
    {
        _core.Reset();
        _waiter = waiter;
        _pendingRead = buffer;
        _context.Signal();
        return new ValueTask<int>(this, _core.Version);
    }

    private void Wake()
    {
        var waiter = _waiter;
        if (waiter == Waiter.None || (_released == 0 && !_eof))
        {
            return;
        }

        _waiter = Waiter.None;
        var result = waiter == Waiter.Data ? (_released > 0 ? 1 : 0) : CopyOut(_pendingRead.Span);
        _pendingRead = default;

        // Runs the session's continuation inline; it may park again (Reset) before this returns, so nothing after it.
        _core.SetResult(result);
    }

    private int CopyOut(Span<byte> destination)
    {
        var total = (int)Math.Min(Math.Min(destination.Length, _maxRead), _released);
        var copied = 0;
        while (copied < total)
        {
            var run = Math.Min(total - copied, _source.Length - _position);
            _source.AsSpan(_position, run).CopyTo(destination[copied..]);
            copied += run;
            _position = (_position + run) % _source.Length;
        }

        _released -= copied;
        Read += copied;
        return copied;
    }

    int IValueTaskSource<int>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    /// <summary>
    /// The benchmark thread's context during <see cref="Feed"/>: what the session posts to it (its yields) runs on
    /// that thread, in order. The queue grows once and is reused, so posting allocates nothing.
    /// </summary>
    private sealed class FeedContext : SynchronizationContext
    {
        private readonly Queue<(SendOrPostCallback Callback, object? State)> _posted = new(4);
        private readonly ManualResetEventSlim _signal = new(initialState: false);

        public override void Post(SendOrPostCallback d, object? state)
        {
            lock (_posted)
            {
                _posted.Enqueue((d, state));
            }

            _signal.Set();
        }

        public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException();

        public override SynchronizationContext CreateCopy() => this;

        public void Signal() => _signal.Set();

        /// <summary>Runs posted callbacks until the endpoint's reader parks. Anything the session awaits elsewhere
        /// (nothing, today) completes on its own thread and signals through the post or the park.</summary>
        public void RunUntilParked(MemoryEndpoint endpoint)
        {
            while (true)
            {
                _signal.Reset();
                if (endpoint.IsParked)
                {
                    return;
                }

                (SendOrPostCallback Callback, object? State) next;
                bool found;
                lock (_posted)
                {
                    found = _posted.TryDequeue(out next);
                }

                if (found)
                {
                    next.Callback(next.State);
                }
                else
                {
                    _signal.Wait();
                }
            }
        }
    }
}
