namespace Relay.LoadBench;

/// <summary>Everything one run produced: what was run, on how loaded a machine, every sample, and the summary.</summary>
public sealed record RunRecord
{
    public required string Plan { get; init; }

    public required DateTimeOffset Started { get; init; }

    public required DateTimeOffset Finished { get; init; }

    public required double[] LoadBefore { get; init; }

    public required double[] LoadAfter { get; init; }

    public required int ProcessorCount { get; init; }

    public required IReadOnlyList<string> Relays { get; init; }

    public required IReadOnlyList<string> Notes { get; init; }

    public required bool Noisy { get; init; }

    public required IReadOnlyList<string> NoisyReasons { get; init; }

    public required IReadOnlyList<SummaryRow> Summary { get; init; }

    public required IReadOnlyList<Sample> Samples { get; init; }
}
