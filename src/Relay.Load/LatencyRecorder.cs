using HdrHistogram;

namespace Relay.Load;

/// <summary>
/// Latencies in nanoseconds in an HdrHistogram (3 significant digits, up to one minute). Not thread-safe: each worker
/// records into its own and the run adds them up at the end.
/// </summary>
internal sealed class LatencyRecorder
{
    private const long HighestNanoseconds = 60L * 1_000_000_000;

    /// <summary>The points of the latency curve in <see cref="LoadResult.Percentiles"/>.</summary>
    private static readonly double[] s_curve = [0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 95, 97.5, 99, 99.5, 99.9, 99.95, 99.99, 100];

    private readonly LongHistogram _histogram = new(HighestNanoseconds, 3);

    public long Count => _histogram.TotalCount;

    public void Record(TimeSpan elapsed) =>
        _histogram.RecordValue(Math.Clamp(elapsed.Ticks * 100, 1, HighestNanoseconds));

    public void Add(LatencyRecorder other) => _histogram.Add(other._histogram);

    /// <summary>Fills the latency fields of <paramref name="result"/>.</summary>
    public LoadResult Describe(LoadResult result)
    {
        if (_histogram.TotalCount == 0)
        {
            return result;
        }

        var curve = new (double Percentile, double Micros)[s_curve.Length];
        for (var i = 0; i < s_curve.Length; i++)
        {
            curve[i] = (s_curve[i], Micros(s_curve[i]));
        }

        return result with
        {
            P50Micros = Micros(50),
            P99Micros = Micros(99),
            P999Micros = Micros(99.9),
            MaxMicros = _histogram.GetMaxValue() / 1000.0,
            Percentiles = curve,
        };
    }

    private double Micros(double percentile) => _histogram.GetValueAtPercentile(percentile) / 1000.0;
}
