using System.Collections.Concurrent;

namespace Relay.Soak.Target;

/// <summary>
/// Where the target reports a session's outcome to the client side that asked for it. A client registers before it
/// connects (so there is no race); the target completes only registered sessions, so sessions nobody awaits cost nothing.
/// </summary>
public sealed class TargetRegistry
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource<TargetReport>> _pending = new();

    /// <summary>Registers interest in a session's report; await it, bounded by a timeout, then <see cref="Forget"/>.</summary>
    public Task<TargetReport> Expect(long sessionId) =>
        _pending.GetOrAdd(sessionId, _ => new TaskCompletionSource<TargetReport>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Forget(long sessionId) => _pending.TryRemove(sessionId, out _);

    public void Complete(long sessionId, TargetReport report)
    {
        if (_pending.TryGetValue(sessionId, out var pending))
        {
            pending.TrySetResult(report);
        }
    }

    /// <summary>Sessions registered and not yet forgotten (a harness leak shows here).</summary>
    public int Count => _pending.Count;
}
