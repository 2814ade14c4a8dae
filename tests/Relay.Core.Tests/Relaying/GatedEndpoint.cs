using Relay.Core.Transport;

namespace Relay.Core.Tests.Relaying;

/// <summary>
/// A real endpoint whose writes can be held at a gate: a congested network made deterministic. The test closes
/// the gate, learns when a write is waiting at it, and opens it again.
/// </summary>
internal sealed class GatedEndpoint(ByteEndpoint inner) : ByteEndpoint
{
    private TaskCompletionSource _open = Opened();
    private readonly TaskCompletionSource _writeWaiting = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task WriteWaiting => _writeWaiting.Task;

    public void Close() => _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open() => _open.TrySetResult();

    public override bool SupportsZeroByteReads => inner.SupportsZeroByteReads;

    public override ValueTask<int> WaitForDataAsync(CancellationToken cancellationToken) => inner.WaitForDataAsync(cancellationToken);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) => inner.ReadAsync(buffer, cancellationToken);

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        if (!_open.Task.IsCompleted)
        {
            _writeWaiting.TrySetResult();
            await _open.Task.WaitAsync(cancellationToken);
        }

        await inner.WriteAsync(buffer, cancellationToken);
    }

    public override ValueTask ShutdownSendAsync() => inner.ShutdownSendAsync();

    public override void Abort() => inner.Abort();

    protected override ValueTask DisposeCoreAsync() => inner.DisposeAsync();

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }
}
