using Relay.Soak.Target;
using Relay.Soak.Workloads;

namespace Relay.Soak.Faults;

/// <summary>slow-reader: download 16 MiB from Source, stop reading for 2–5 s after the first MiB: expect every byte,
/// the stream intact, Close 1000.</summary>
public sealed class SlowReaderFault(SoakContext context) : Fault(context, "slow-reader")
{
    private const long Size = 16L << 20;

    protected override async Task<string?> InjectAsync(long sessionId, long injection, Random random, CancellationToken timeout)
    {
        var relay = Alternate(injection);
        var pause = TimeSpan.FromMilliseconds(random.Next(2000, 5001));
        await using var client = await SoakContext.ConnectAsync(relay, new Preamble(TargetMode.Source, sessionId, Size), 64 * 1024, timeout);
        Context.Ledger.AddSent(Size);
        var outcome = await BulkDownloadWorkload.DownloadAsync(client, Context.KeyOf(sessionId), Size, Context.Ledger, pauseAfter: 1L << 20, pause, timeout);
        return outcome.Failure is null ? null : $"{relay.Name}, paused {pause.TotalSeconds:0.0} s: {outcome.Failure}";
    }
}
