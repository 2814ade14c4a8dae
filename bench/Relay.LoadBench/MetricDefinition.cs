namespace Relay.LoadBench;

/// <summary>A reported number: its key, unit, which way is better, and the gate's tolerance for its ratio.</summary>
/// <param name="Key">workload.metric, the key in <see cref="Sample.Metrics"/> and baseline.json.</param>
/// <param name="HigherIsBetter">Throughput and connection rates; everything else (CPU, latency, memory) is lower-is-better.</param>
/// <param name="Tolerance">How much worse than the baseline ratio the gate accepts, as a fraction (0.25 = 25 %); 0 = not gated.</param>
public sealed record MetricDefinition(string Key, string Unit, bool HigherIsBetter, double Tolerance)
{
    public string Workload => Key[..Key.IndexOf('.', StringComparison.Ordinal)];

    /// <summary>How much worse <paramref name="ratio"/> is than <paramref name="baseline"/>, as a fraction (negative = better).</summary>
    public double Worsening(double ratio, double baseline) => HigherIsBetter ? 1 - ratio / baseline : ratio / baseline - 1;
}
