using System.Globalization;

namespace Relay.LoadBench;

/// <summary>
/// Runs every workload through every relay, repetition after repetition. Within a workload the relays are
/// interleaved, and the order rotates each repetition (A B C, B C A, C A B) so that no relay always runs right
/// after the same neighbour or always first on a cold machine.
/// </summary>
public sealed class BenchRun(BenchPlan plan, IReadOnlyList<RelayDefinition> relays, string relayBinary, TextWriter log)
{
    public async Task<RunRecord> RunAsync(CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var loadBefore = LoadAverage.Read();
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"loadbench {plan.Name}: {relays.Count} relays × {plan.Workloads.Count} workloads × {plan.Repetitions} repetitions{(plan.MaxRepetitions > plan.Repetitions ? $" ({plan.MaxRepetitions} of upload, download and rtt)" : "")}; load {string.Join(' ', loadBefore)}"));
        var samples = new List<Sample>();
        await using var churn = new ChurnGenerator();
        var runner = new WorkloadRunner(plan, churn);
        await using var ssh = new SshBench(plan, relayBinary);
        for (var repetition = 0; repetition < plan.MaxRepetitions; repetition++)
        {
            var order = relays.Skip(repetition % relays.Count).Concat(relays.Take(repetition % relays.Count)).ToList();
            foreach (var workload in plan.Workloads.Where(workload => repetition < plan.RepetitionsOf(workload)))
            {
                foreach (var relay in order)
                {
                    var sample = workload == BenchPlan.Ssh
                        ? await ssh.RunAsync(relay, repetition, cancellationToken)
                        : await runner.RunAsync(relay, workload, repetition, cancellationToken);
                    if (sample is null)
                    {
                        continue;
                    }

                    samples.Add(sample);
                    log.WriteLine(Describe(sample));
                }
            }
        }

        var loadAfter = LoadAverage.Read();
        var names = relays.Select(relay => relay.Name).ToList();
        var summary = Summarizer.Summarize(samples, names);
        var reasons = Summarizer.NoisyReasons(loadBefore, summary);
        return new RunRecord
        {
            Plan = plan.Name,
            Started = started,
            Finished = DateTimeOffset.UtcNow,
            LoadBefore = loadBefore,
            LoadAfter = loadAfter,
            ProcessorCount = Environment.ProcessorCount,
            Relays = names,
            Notes = Notes(),
            Noisy = reasons.Count > 0,
            NoisyReasons = reasons,
            Summary = summary,
            Samples = samples,
        };
    }

    private List<string> Notes()
    {
        var notes = new List<string>();
        foreach (var relay in relays)
        {
            var idle = Math.Min(plan.IdleSessions, relay.IdleLimit);
            if (relay.IsDirect)
            {
                notes.Add("direct has no relay process: no CPU or idle memory to measure.");
            }
            else if (idle < plan.IdleSessions)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{relay.Name} holds {idle} idle sessions, not {plan.IdleSessions}: it runs a process per session (memory per session is still comparable)."));
            }
        }

        return notes;
    }

    private static string Describe(Sample sample)
    {
        var values = sample.Error ?? string.Join("  ", sample.Metrics.Select(pair =>
            string.Create(CultureInfo.InvariantCulture, $"{pair.Key[(pair.Key.IndexOf('.', StringComparison.Ordinal) + 1)..]}={pair.Value:0.###}")));
        return string.Create(CultureInfo.InvariantCulture, $"  [{sample.Repetition + 1}] {sample.Workload,-8} {sample.Relay,-11} {values}");
    }
}
