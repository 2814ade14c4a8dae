using System.Threading.Tasks.Sources;

namespace Relay.Core.Transport;

/// <summary>
/// One reusable wait of <see cref="EchoEndpoint"/>: a read's (with a byte count) or a write's. The waiter completes
/// on the thread pool, never inline under the endpoint's lock, and queues itself as the work item: the
/// RunContinuationsAsynchronously route allocates a callback object per completion (about 100 bytes a message).
/// </summary>
internal sealed class EchoWaiter : IValueTaskSource<int>, IValueTaskSource, IThreadPoolWorkItem
{
    private ManualResetValueTaskSourceCore<int> _core;
    private CancellationTokenRegistration _registration;
    private EchoEndpoint? _owner;
    private int _result;
    private Exception? _error;

    /// <summary>Starts a wait (the caller holds the endpoint's lock) and returns its read-shaped task.</summary>
    public ValueTask<int> WaitAsync(EchoEndpoint owner, CancellationToken cancellationToken)
    {
        Arm(owner, cancellationToken);
        return new ValueTask<int>(this, _core.Version);
    }

    /// <summary>Starts a wait (the caller holds the endpoint's lock) and returns this as a write's source.</summary>
    public IValueTaskSource StartWrite(EchoEndpoint owner, CancellationToken cancellationToken)
    {
        Arm(owner, cancellationToken);
        return this;
    }

    public short Version => _core.Version;

    private void Arm(EchoEndpoint owner, CancellationToken cancellationToken)
    {
        _core.Reset();
        _owner = owner;
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(static (state, token) =>
            {
                var waiter = (EchoWaiter)state!;
                if (waiter._owner!.TryCancel(waiter))
                {
                    waiter._error = new OperationCanceledException(token);
                    ThreadPool.UnsafeQueueUserWorkItem(waiter, preferLocal: false);
                }
            }, this);
        }
    }

    // Unregister, not Dispose: Dispose waits for a running callback, which waits for the lock the caller holds.
    public void Complete(int result)
    {
        _registration.Unregister();
        _result = result;
        _error = null;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
    }

    public void Fail(Exception exception)
    {
        _registration.Unregister();
        _error = exception;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
    }

    void IThreadPoolWorkItem.Execute()
    {
        if (_error is { } error)
        {
            _core.SetException(error);
        }
        else
        {
            _core.SetResult(_result);
        }
    }

    public int GetResult(short token) => _core.GetResult(token);

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
