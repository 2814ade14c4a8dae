namespace Relay.Soak.Faults;

/// <summary>
/// One fault kind, injected at its rate in its own loop concurrent with the workloads. An injection returns null
/// when the expected outcome happened, else what happened instead (an "unexpected" with that message).
/// </summary>
public abstract class Fault(SoakContext context, string kind)
{
    /// <summary>No injection may take longer than this; a stalled one is unexpected.</summary>
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(60);

    public SoakContext Context { get; } = context;

    public FaultCounter Counter { get; } = new(kind);

    /// <param name="injection">0, 1, 2…: which injection of this kind this is (faults alternate relays and variants by it).</param>
    protected abstract Task<string?> InjectAsync(long sessionId, long injection, Random random, CancellationToken timeout);

    /// <summary>The forwarder on even injections, serve on odd ones: every variant meets both relays.</summary>
    protected Relays.RelayProcess Alternate(long injection) => injection % 2 == 0 ? Context.Relays.Forwarder : Context.Relays.Serve;

    /// <summary>Injects every 60/<paramref name="perMinute"/> seconds (the first at a random point of the first
    /// interval) until <paramref name="stop"/>; an injection in flight finishes.</summary>
    public async Task RunAsync(double perMinute, CancellationToken stop)
    {
        if (perMinute <= 0)
        {
            return;
        }

        var random = Context.RandomFor(Counter.Kind, 0);
        var interval = TimeSpan.FromMinutes(1 / perMinute);
        var next = interval * random.NextDouble() * 0.5;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var wait = next - clock.Elapsed;
            try
            {
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, stop); // the fault's schedule, not a synchronisation
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (stop.IsCancellationRequested)
            {
                return;
            }

            next += interval;
            await InjectOnceAsync(random);
        }
    }

    private async Task InjectOnceAsync(Random random)
    {
        var sessionId = Context.NextSessionId();
        var injection = Counter.Injected;
        Counter.Inject();
        using var open = Context.Ledger.Begin();
        using var timeout = new CancellationTokenSource(s_bound);
        string? miss;
        try
        {
            miss = await InjectAsync(sessionId, injection, random, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            miss = $"timed out after {s_bound.TotalSeconds:0} s";
        }
        catch (TimeoutException ex)
        {
            miss = ex.Message;
        }
        catch (Exception ex)
        {
            // Any exception is an unexpected outcome of this injection; the fault's loop goes on.
            miss = $"{ex.GetType().Name}: {ex.Message}";
        }

        if (miss is null)
        {
            Counter.Expected();
        }
        else
        {
            Counter.Miss($"session {sessionId}: {miss}");
        }
    }
}
