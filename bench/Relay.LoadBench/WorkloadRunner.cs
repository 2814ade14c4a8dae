using System.Net;
using Relay.Load;

namespace Relay.LoadBench;

/// <summary>
/// One measurement through Relay.Load: a fresh target and a fresh relay process for each, so CPU time and memory
/// belong to this workload alone. Churn's client and target run in <paramref name="churn"/>'s child process.
/// </summary>
public sealed class WorkloadRunner(BenchPlan plan, ChurnGenerator churn)
{
    private const double Gibibyte = 1L << 30;

    public async Task<Sample?> RunAsync(RelayDefinition relay, string workload, int repetition, CancellationToken cancellationToken)
    {
        var idleSessions = Math.Min(plan.IdleSessions, relay.IdleLimit);
        if (workload == BenchPlan.Idle && idleSessions == 0)
        {
            return null;
        }

        var started = DateTimeOffset.UtcNow;
        var kind = workload switch
        {
            BenchPlan.Upload => TargetKind.Sink,
            BenchPlan.Download => TargetKind.Source,
            _ => TargetKind.Echo,
        };
        try
        {
            await using IBenchTarget target = workload == BenchPlan.Churn
                ? await churn.StartTargetAsync(cancellationToken)
                : TcpTarget.Start(kind, plan.TransferBytes);
            await using var relayProcess = await RelayUnderTest.StartAsync(relay, target.Port, cancellationToken);
            // Let a just-started runtime finish its start-up work before the baseline readings.
            await Task.Delay(300, cancellationToken);
            var options = Options(relay, relayProcess.Port, workload, idleSessions);
            var metrics = new Dictionary<string, double>();
            var baseResident = relayProcess.ResidentKibibytes();
            var baseProportional = relayProcess.ProportionalKibibytes();
            var cpuBefore = relayProcess.CpuSeconds();
            using var sampler = new CancellationTokenSource();
            var peakMemory = workload == BenchPlan.Idle ? SamplePeakMemoryAsync(relayProcess, sampler.Token) : Task.FromResult((0L, 0L));
            var result = workload == BenchPlan.Churn
                ? await churn.RunAsync(options, cancellationToken)
                : await LoadRunner.RunAsync(options, cancellationToken);
            await sampler.CancelAsync();
            var (holdResident, holdProportional) = await peakMemory;
            await relayProcess.SettleAsync(cancellationToken);
            var cpu = relayProcess.CpuSeconds() - cpuBefore;
            switch (workload)
            {
                case BenchPlan.Upload or BenchPlan.Download:
                    if (result.Bytes != plan.TransferBytes)
                    {
                        throw new InvalidOperationException($"{workload} moved {result.Bytes} of {plan.TransferBytes} bytes");
                    }

                    metrics[$"{workload}.mbps"] = result.MegabytesPerSecond;
                    if (!relay.IsDirect)
                    {
                        metrics[$"{workload}.cpu_s_per_gib"] = cpu / (result.Bytes / Gibibyte);
                    }

                    break;
                case BenchPlan.Rtt:
                    metrics["rtt.p50_us"] = result.P50Micros;
                    metrics["rtt.p99_us"] = result.P99Micros;
                    metrics["rtt.p999_us"] = result.P999Micros;
                    break;
                case BenchPlan.Churn:
                    metrics["churn.conn_per_s"] = result.OperationsPerSecond;
                    metrics["churn.failures"] = result.Failures;
                    break;
                case BenchPlan.Idle:
                    metrics["idle.sessions"] = idleSessions;
                    metrics["idle.rss_base_kib"] = baseResident;
                    metrics["idle.rss_hold_kib"] = holdResident;
                    metrics["idle.rss_per_session_kib"] = (holdResident - baseResident) / (double)idleSessions;
                    metrics["idle.pss_per_session_kib"] = (holdProportional - baseProportional) / (double)idleSessions;
                    metrics["idle.live"] = result.Live;
                    metrics["idle.failures"] = result.Failures;
                    break;
            }

            var percentiles = result.Percentiles.Select(point => new[] { point.Percentile, point.Micros }).ToList();
            return new Sample(relay.Name, workload, repetition, started, metrics, percentiles, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new Sample(relay.Name, workload, repetition, started, new Dictionary<string, double>(), [], ex.Message);
        }
    }

    private LoadOptions Options(RelayDefinition relay, int port, string workload, int idleSessions) => new()
    {
        Url = relay.Url(port),
        Workload = workload switch
        {
            BenchPlan.Upload => Workload.Upload,
            BenchPlan.Download => Workload.Download,
            BenchPlan.Rtt => Workload.Rtt,
            BenchPlan.Churn => Workload.Churn,
            _ => Workload.Idle,
        },
        Bytes = plan.TransferBytes,
        MessageSize = workload == BenchPlan.Rtt ? plan.RttMessageSize : plan.MessageSize,
        Count = plan.RttCount,
        Warmup = plan.RttWarmup,
        Connections = workload == BenchPlan.Idle ? idleSessions : plan.ChurnWorkers,
        Duration = workload == BenchPlan.Idle ? plan.IdleHold : plan.ChurnDuration,
        SourceAddresses = Enumerable.Range(2, plan.SourceAddressCount).Select(i => new IPAddress([127, 0, 0, (byte)i])).ToList(),
    };

    /// <summary>The highest VmRSS and Pss of the relay's tree while the idle sessions are held.</summary>
    private static async Task<(long Resident, long Proportional)> SamplePeakMemoryAsync(RelayUnderTest relay, CancellationToken cancellationToken)
    {
        long resident = 0, proportional = 0;
        try
        {
            while (true)
            {
                resident = Math.Max(resident, relay.ResidentKibibytes());
                proportional = Math.Max(proportional, relay.ProportionalKibibytes());
                // smaps_rollup walks page tables: sample a forking relay's hundreds of processes sparingly.
                await Task.Delay(250, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            return (resident, proportional);
        }
    }
}
