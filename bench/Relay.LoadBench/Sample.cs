namespace Relay.LoadBench;

/// <summary>One measurement: one relay, one workload, one repetition. <see cref="Error"/> is set when it failed.</summary>
/// <param name="Metrics">Metric key (see <see cref="MetricCatalog"/>) → value.</param>
/// <param name="Percentiles">(percentile 0–100, microseconds) pairs for the rtt latency curve.</param>
public sealed record Sample(
    string Relay,
    string Workload,
    int Repetition,
    DateTimeOffset Started,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyList<double[]> Percentiles,
    string? Error);
