using System.Runtime.InteropServices;
using Relay.Soak.Faults;
using Relay.Soak.Monitoring;
using Relay.Soak.Relays;
using Relay.Soak.Reporting;
using Relay.Soak.Target;
using Relay.Soak.Workloads;

namespace Relay.Soak;

/// <summary>
/// One soak run: the target, the relays, the monitor, every workload and fault until the deadline; then the settle
/// and leak verdict, SIGTERM to every relay (exit code 0 required), the report and the exit code.
/// </summary>
public sealed class SoakRun(SoakOptions options)
{
    /// <summary>How long sessions started before the deadline may take to finish.</summary>
    private static readonly TimeSpan s_finishBound = TimeSpan.FromSeconds(200);

    /// <summary>The relays' drain timeout is 5 s (serve.json); SIGTERM must end them well within this.</summary>
    private static readonly TimeSpan s_terminateBound = TimeSpan.FromSeconds(15);

    public async Task<int> RunAsync()
    {
        Directory.CreateDirectory(options.OutDirectory);
        var started = DateTimeOffset.UtcNow;

        // Ctrl-C or SIGTERM ends the run early but in order: the load stops, the relays are judged and stopped (none is
        // left running), and the report is written. An interrupted run does not pass.
        using var interrupt = new CancellationTokenSource();
        void OnSignal(PosixSignalContext signal)
        {
            signal.Cancel = true;
            if (!interrupt.IsCancellationRequested)
            {
                Console.Error.WriteLine($"\nsoak: {signal.Signal}: stopping the load, then the relays; the report follows");
                interrupt.Cancel();
            }
        }

        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        Console.Error.WriteLine($"soak: seed {options.Seed}, duration {options.Duration}, relay {options.RelayBinary}, out {options.OutDirectory}");

        var registry = new TargetRegistry();
        await using var target = new SoakTarget(registry, options.Seed);
        target.Start();
        await using var relays = await RelayFleet.StartAsync(options.RelayBinary, options.OutDirectory, target.Port);
        var ledger = new Ledger();
        var context = new SoakContext(relays, registry, ledger, options.Seed);

        Workload[] workloads =
        [
            new InteractiveWorkload(context, options.Interactive),
            new BulkUploadWorkload(context, options.Bulk),
            new BulkDownloadWorkload(context, options.Bulk),
            new ChurnWorkload(context, options.Churn),
        ];
        var faults = FaultCatalog.Create(context);

        var monitored = relays.All.Select(r => new MonitoredRelay(r.Name, r.Pid, r.MetricsBase)).ToList();
        await using var monitor = new SoakMonitor(monitored, TimeSpan.FromSeconds(2), () => ledger.Relayed, () => ledger.Open);
        monitor.Start();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(interrupt.Token);
        stop.CancelAfter(options.Duration);
        using var liveStop = new CancellationTokenSource();
        var live = new LiveLine(options.Duration, ledger, [.. faults.Select(f => f.Counter)], monitor, relays.All);
        var liveTask = live.RunAsync(liveStop.Token);

        // A relay that dies fails the run: stop the load at once rather than fail every session until the deadline.
        using var watching = new CancellationTokenSource();
        var watch = WatchRelaysAsync(relays, stop, watching.Token);

        var load = workloads.Select(w => w.RunAsync(stop.Token))
            .Concat(faults.Select(f => f.RunAsync(options.FaultRates[f.Counter.Kind], stop.Token)))
            .ToList();

        // The baseline is taken under load, once connections, pools and the JIT have warmed up.
        var warmUp = TimeSpan.FromTicks(Math.Clamp(options.Duration.Ticks / 8, TimeSpan.FromSeconds(5).Ticks, TimeSpan.FromMinutes(2).Ticks));
        try
        {
            await Task.Delay(warmUp, stop.Token);
            monitor.MarkBaseline();
        }
        catch (OperationCanceledException)
        {
            monitor.MarkBaseline();
        }

        var reasons = new List<string>();
        var all = Task.WhenAll(load);
        await Task.WhenAny(all, Task.Delay(options.Duration - warmUp + s_finishBound));
        if (interrupt.IsCancellationRequested)
        {
            reasons.Add($"interrupted after {DateTimeOffset.UtcNow - started:hh\\:mm\\:ss} of {options.Duration:hh\\:mm\\:ss}");
        }

        if (!all.IsCompleted)
        {
            reasons.Add($"sessions still running {s_finishBound.TotalSeconds:0} s after the deadline (a stalled session)");
        }

        await liveStop.CancelAsync();
        await liveTask;
        await watching.CancelAsync();
        await watch;
        Console.Error.WriteLine("soak: load stopped; settling and judging leaks");
        using var settle = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var verdict = await monitor.SettleAndJudgeAsync(TimeSpan.FromSeconds(30), settle.Token);
        if (await target.WaitIdleAsync(TimeSpan.FromSeconds(10)) is var open and > 0)
        {
            reasons.Add($"{open} target connections still open 10 s after the load stopped: a relay did not close their TCP legs");
        }

        if (registry.Count > 0)
        {
            reasons.Add($"{registry.Count} sessions still registered with the target after the load stopped (a harness bug)");
        }

        foreach (var relay in relays.All)
        {
            var exitedEarly = relay.HasExited;
            var code = await relay.TerminateAsync(s_terminateBound);
            if (exitedEarly)
            {
                reasons.Add($"{relay.Name} exited during the run with code {code}: {relay.Tail(5)}");
            }
            else if (code is null)
            {
                reasons.Add($"{relay.Name} did not exit within {s_terminateBound.TotalSeconds:0} s of SIGTERM: {relay.Tail(5)}");
            }
            else if (code != 0)
            {
                reasons.Add($"{relay.Name} exited with code {code} after SIGTERM (expected 0): {relay.Tail(5)}");
            }
        }

        var totals = new SoakTotals(started, DateTimeOffset.UtcNow - started, ledger.Sessions, ledger.Sent, ledger.Verified, ledger.Lost, ledger.Corrupted,
            [.. workloads.Select(w => w.Counter.ToTally())], [.. faults.Select(f => f.Counter.ToTally())]);
        reasons.AddRange(Verdict.Reasons(totals, verdict));

        var info = new SoakRunInfo(options.RelayBinary, [.. relays.All.Select(r => $"{r.Name}: {r.CommandLine}")], $"{Environment.MachineName}, {Environment.ProcessorCount} cores, Linux {MachineFacts.Kernel()}",
            options.Duration, options.Seed, reasons.Count == 0, reasons);
        var paths = SoakReport.Write(options.OutDirectory, info, totals, monitor, verdict);

        Console.Error.WriteLine(Verdict.Summary(totals));
        foreach (var reason in reasons)
        {
            Console.Error.WriteLine($"FAIL: {reason}");
        }

        Console.Error.WriteLine($"soak: {(reasons.Count == 0 ? "PASSED" : "FAILED")} (seed {options.Seed}); report: {string.Join(", ", paths)}");
        return reasons.Count == 0 ? 0 : 1;
    }

    private static async Task WatchRelaysAsync(RelayFleet relays, CancellationTokenSource stop, CancellationToken cancellationToken)
    {
        try
        {
            var exited = await Task.WhenAny(relays.All.Select(async r =>
            {
                await r.WaitForExitAsync(cancellationToken);
                return r;
            }));
            var relay = await exited;
            Console.Error.WriteLine($"\nsoak: {relay.Name} exited with code {relay.ExitCode} during the run; stopping the load");
            await stop.CancelAsync();
        }
        catch (OperationCanceledException)
        {
            // The run ended with every relay alive.
        }
    }
}
