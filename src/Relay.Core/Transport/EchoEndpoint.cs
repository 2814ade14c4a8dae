namespace Relay.Core.Transport;

/// <summary>
/// An in-process echo: what is written becomes readable, in order, and a half-close of the write side is EOF for the
/// reader. It keeps no buffer of its own: a write waits until a reader has copied all of it into the reader's buffer,
/// so at most one writer's buffer is in flight and a reader that stops reading stops the writer (backpressure). The
/// waits are two reusable value-task sources, so steady-state echoing allocates nothing.
/// </summary>
public sealed class EchoEndpoint : ByteEndpoint
{
    private readonly Lock _gate = new();
    private readonly EchoWaiter _reader = new();
    private readonly EchoWaiter _writer = new();
    private ReadOnlyMemory<byte> _pending;
    private Memory<byte> _readerBuffer;
    private bool _readerWaiting;
    private bool _readerWaitsOnly;
    private bool _writerWaiting;
    private bool _writeShutdown;
    private bool _closed;

    public override bool SupportsZeroByteReads => true;

    public override ValueTask<int> WaitForDataAsync(CancellationToken cancellationToken) => ReadCoreAsync(default, waitOnly: true, cancellationToken);

    /// <summary>Reads what a write put in, or waits for a write; 0 at EOF (after <see cref="ShutdownSendAsync"/> or disposal),
    /// and 0 at once for an empty buffer (use <see cref="WaitForDataAsync"/> to wait without one).</summary>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) => ReadCoreAsync(buffer, waitOnly: false, cancellationToken);

    private ValueTask<int> ReadCoreAsync(Memory<byte> buffer, bool waitOnly, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        var completeWriter = false;
        lock (_gate)
        {
            if (_readerWaiting)
            {
                throw new InvalidOperationException("A read is already pending.");
            }

            if (!_pending.IsEmpty)
            {
                if (waitOnly)
                {
                    return new ValueTask<int>(1);
                }

                var count = Math.Min(buffer.Length, _pending.Length);
                _pending.Span[..count].CopyTo(buffer.Span);
                _pending = _pending[count..];
                completeWriter = _pending.IsEmpty && _writerWaiting;
                _writerWaiting &= !completeWriter;
                if (!completeWriter)
                {
                    return new ValueTask<int>(count);
                }

                _writer.Complete(0);
                return new ValueTask<int>(count);
            }

            if (_writeShutdown || _closed || (buffer.IsEmpty && !waitOnly))
            {
                return new ValueTask<int>(0);
            }

            _readerWaiting = true;
            _readerWaitsOnly = waitOnly;
            _readerBuffer = buffer;
            return _reader.WaitAsync(this, cancellationToken);
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        lock (_gate)
        {
            if (_writeShutdown || _closed)
            {
                return ValueTask.FromException(new IOException("the echo is closed for writing"));
            }

            if (_writerWaiting)
            {
                throw new InvalidOperationException("A write is already pending.");
            }

            if (buffer.IsEmpty)
            {
                return ValueTask.CompletedTask;
            }

            if (_readerWaiting && !_readerWaitsOnly)
            {
                var count = Math.Min(buffer.Length, _readerBuffer.Length);
                buffer.Span[..count].CopyTo(_readerBuffer.Span);
                buffer = buffer[count..];
                _readerWaiting = false;
                _readerBuffer = default;
                _reader.Complete(count);
                if (buffer.IsEmpty)
                {
                    return ValueTask.CompletedTask;
                }
            }
            else if (_readerWaiting)
            {
                _readerWaiting = false;
                _reader.Complete(1);
            }

            _pending = buffer;
            _writerWaiting = true;
            return new ValueTask(_writer.StartWrite(this, cancellationToken), _writer.Version);
        }
    }

    /// <summary>Called by a waiter whose token fired: gives up the wait if it is still the current one.</summary>
    internal bool TryCancel(EchoWaiter waiter)
    {
        lock (_gate)
        {
            if (waiter == _reader && _readerWaiting)
            {
                _readerWaiting = false;
                _readerBuffer = default;
                return true;
            }

            if (waiter == _writer && _writerWaiting)
            {
                _writerWaiting = false;
                _pending = default;
                return true;
            }

            return false;
        }
    }

    public override ValueTask ShutdownSendAsync()
    {
        lock (_gate)
        {
            _writeShutdown = true;
            if (_readerWaiting && _pending.IsEmpty)
            {
                _readerWaiting = false;
                _readerBuffer = default;
                _reader.Complete(0);
            }
        }

        return ValueTask.CompletedTask;
    }

    public override void Abort() => Close();

    protected override ValueTask DisposeCoreAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }

    private void Close()
    {
        lock (_gate)
        {
            _closed = true;
            _pending = default;
            if (_readerWaiting)
            {
                _readerWaiting = false;
                _readerBuffer = default;
                _reader.Complete(0);
            }

            if (_writerWaiting)
            {
                _writerWaiting = false;
                _writer.Fail(new IOException("the echo was closed"));
            }
        }
    }
}
