using Relay.Soak.Relays;

namespace Relay.Soak.Workloads;

/// <summary>
/// A workload: <see cref="Lanes"/> concurrent loops, each running sessions until the load stops. A session that
/// throws or times out is a failure with a message; one that started finishes even after the stop, within its bound.
/// </summary>
public abstract class Workload(SoakContext context, string name, int lanes)
{
    public SoakContext Context { get; } = context;

    public WorkloadCounter Counter { get; } = new(name);

    public int Lanes { get; } = lanes;

    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, Lanes).Select(lane => Task.Run(() => LaneAsync(lane, stop), CancellationToken.None)));

    /// <summary>Runs one session, which records its bytes in the ledger as it goes and returns its outcome.</summary>
    protected abstract Task<SessionOutcome> RunSessionAsync(long sessionId, RelayProcess relay, Random random, CancellationToken loadStop, CancellationToken timeout);

    /// <summary>The bound on one whole session.</summary>
    protected virtual TimeSpan SessionBound => SessionTimeout.Bulk;

    private async Task LaneAsync(int lane, CancellationToken stop)
    {
        var random = Context.RandomFor(Counter.Name, lane);
        while (!stop.IsCancellationRequested)
        {
            var sessionId = Context.NextSessionId();
            var relay = Context.Pick(sessionId);
            Counter.Started();
            using var open = Context.Ledger.Begin();
            using var timeout = new CancellationTokenSource(SessionBound);
            SessionOutcome outcome;
            try
            {
                outcome = await RunSessionAsync(sessionId, relay, random, stop, timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                outcome = SessionOutcome.Fail(0, 0, $"timed out after {SessionBound.TotalSeconds:0} s");
            }
            catch (Exception ex)
            {
                // Whatever went wrong is this session's failure; a lane never dies, or its sessions would go uncounted.
                outcome = SessionOutcome.Fail(0, 0, $"{ex.GetType().Name}: {ex.Message}");
            }

            if (outcome.Failure is null)
            {
                Counter.Completed(outcome.Sent, outcome.Verified);
            }
            else
            {
                Counter.Fail(outcome.Sent, outcome.Verified, SoakContext.Describe(relay, sessionId, outcome.Failure));
            }
        }
    }
}
