namespace Relay.LoadBench;

/// <summary>Sizes and counts of one benchmark run: the full run, the quick run, and the gate's run.</summary>
public sealed record BenchPlan
{
    public const string Upload = "upload";
    public const string Download = "download";
    public const string Rtt = "rtt";
    public const string Churn = "churn";
    public const string Idle = "idle";
    public const string Ssh = "ssh";

    public static readonly IReadOnlyList<string> AllWorkloads = [Upload, Download, Rtt, Churn, Idle, Ssh];

    public required string Name { get; init; }

    public IReadOnlyList<string> Workloads { get; init; } = AllWorkloads;

    public long TransferBytes { get; init; } = 1L << 30;

    public int MessageSize { get; init; } = 64 * 1024;

    public int RttCount { get; init; } = 20_000;

    public int RttWarmup { get; init; } = 1_000;

    public int RttMessageSize { get; init; } = 64;

    public int ChurnWorkers { get; init; } = 32;

    public TimeSpan ChurnDuration { get; init; } = TimeSpan.FromSeconds(10);

    public int IdleSessions { get; init; } = 9_000;

    public TimeSpan IdleHold { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Source addresses 127.0.0.2 … for idle and churn: one address has too few ephemeral ports.</summary>
    public int SourceAddressCount { get; init; } = 8;

    public int SshConnects { get; init; } = 5;

    public long ScpBytes { get; init; } = 256L << 20;

    public int Repetitions { get; init; } = 3;

    /// <summary>
    /// Repetitions of the short workloads (upload, download, rtt) when more than <see cref="Repetitions"/>: the gate
    /// needs many short interleaved pairs to see a 10 % loss through this machine's noise (bench/README.md).
    /// </summary>
    public int? ShortWorkloadRepetitions { get; init; }

    /// <summary>How many times <paramref name="workload"/> runs through each relay.</summary>
    public int RepetitionsOf(string workload) =>
        workload is Upload or Download or Rtt ? Math.Max(Repetitions, ShortWorkloadRepetitions ?? 0) : Repetitions;

    /// <summary>The largest repetition count of any workload in the plan.</summary>
    public int MaxRepetitions => Workloads.Max(RepetitionsOf);

    /// <summary>
    /// The full run. Upload, download and rtt run 5 times, the rest 3: one 1 GiB pair's CPU ratio moves by ±16–28 % on
    /// this machine, and the middle of 5 pairs is steadier than the median of 3 for about a minute more.
    /// </summary>
    public static BenchPlan Full { get; } = new() { Name = "full", ShortWorkloadRepetitions = 5 };

    public static BenchPlan Quick { get; } = new()
    {
        Name = "quick",
        TransferBytes = 256L << 20,
        RttCount = 5_000,
        ChurnDuration = TimeSpan.FromSeconds(3),
        IdleSessions = 1_000,
        IdleHold = TimeSpan.FromSeconds(2),
        SshConnects = 3,
        ScpBytes = 32L << 20,
        Repetitions = 1,
    };

    /// <summary>The regression gate: quick sizes, relay and socat-64k only, enough repetitions for steady ratios.</summary>
    /// <remarks>
    /// Idle is the slow part (socat forks a process per session): 500 sessions held 1 s still measure the relay's
    /// per-session memory within a few percent. Upload, download and rtt run 25 times: one 256 MiB pair's ratio
    /// wanders by ±15 % on this machine and one rtt pair's p50 by ±40 % (it depends on which cores the three processes
    /// land on), the middle-half mean of 25 pairs by a few percent: that lets the gate see a 10 % throughput loss.
    /// </remarks>
    public static BenchPlan Check { get; } = Quick with
    {
        Name = "check",
        Repetitions = 5,
        ShortWorkloadRepetitions = 25,
        RttCount = 2_000,
        RttWarmup = 500,
        ChurnDuration = TimeSpan.FromSeconds(2),
        IdleSessions = 500,
        IdleHold = TimeSpan.FromSeconds(1),
    };
}
