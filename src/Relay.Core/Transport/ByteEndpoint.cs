namespace Relay.Core.Transport;

/// <summary>
/// A duplex byte stream: a TCP socket, stdin/stdout, or a TLS stream. It knows nothing of WebSocket frames.
/// Reads and writes go straight between the kernel and the caller's (pooled) memory; the endpoint keeps no buffer.
/// </summary>
public abstract class ByteEndpoint : IAsyncDisposable
{
    private int _disposed;

    /// <summary>
    /// True when a zero-byte read waits for data without consuming it, so an idle reader can hold no buffer
    /// (sockets and SslStream do; stdin does not).
    /// </summary>
    public abstract bool SupportsZeroByteReads { get; }

    /// <summary>
    /// True when a pending read or write ends promptly once its token is cancelled (sockets, pipes, TLS over a
    /// socket); false for a file or terminal, whose read blocks a thread until data comes.
    /// </summary>
    public virtual bool CancelsPendingOperations => true;

    /// <summary>
    /// Waits until a read would return at once (data or EOF) without consuming anything and without a buffer of the
    /// caller's, so an idle reader holds no memory. Only valid when <see cref="SupportsZeroByteReads"/> is true.
    /// Returns 0 at EOF; otherwise a positive number (not necessarily how many bytes are waiting).
    /// </summary>
    public abstract ValueTask<int> WaitForDataAsync(CancellationToken cancellationToken);

    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes; 0 means the peer finished sending (EOF).</summary>
    public abstract ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Writes all of <paramref name="buffer"/>; completes when the kernel (or TLS) has taken every byte.</summary>
    public abstract ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Half-close: no more writes from this side (TCP FIN, TLS close_notify then FIN, or closing stdout).</summary>
    public abstract ValueTask ShutdownSendAsync();

    /// <summary>Ends the connection abortively (TCP RST where there is one): for a leg that failed.</summary>
    public abstract void Abort();

    /// <summary>Closes once; later calls do nothing.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return ValueTask.CompletedTask;
        }

        GC.SuppressFinalize(this);
        return DisposeCoreAsync();
    }

    protected abstract ValueTask DisposeCoreAsync();
}
