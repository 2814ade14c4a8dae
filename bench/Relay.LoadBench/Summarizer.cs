using System.Globalization;

namespace Relay.LoadBench;

/// <summary>Medians, ratios and the noise verdict over a run's samples.</summary>
public static class Summarizer
{
    /// <summary>Repetitions that disagree by more than this ((max − min) ÷ median) make the run noisy.</summary>
    public const double NoisySpread = 0.15;

    /// <summary>Cores the harness itself keeps busy (load generator and targets) on top of the relay under test.</summary>
    public const double HarnessCores = 1;

    /// <summary>A 1-minute load above this before the run means someone else was using the machine.</summary>
    public const double QuietLoad = 0.5 + HarnessCores;

    public static IReadOnlyList<SummaryRow> Summarize(IReadOnlyList<Sample> samples, IReadOnlyList<string> relays)
    {
        var rows = new List<SummaryRow>();
        var metrics = samples.SelectMany(sample => sample.Metrics.Keys).Distinct().ToList();
        foreach (var relay in relays)
        {
            foreach (var metric in metrics)
            {
                var values = ValuesByRepetition(samples, relay, metric);
                if (values.Count == 0)
                {
                    continue;
                }

                rows.Add(new SummaryRow(
                    relay,
                    metric,
                    values.Count,
                    Statistics.Median(values.Values),
                    Statistics.Spread(values.Values),
                    Ratio(samples, values, RelayDefinition.SocatReferenceName, metric),
                    Ratio(samples, values, RelayDefinition.DirectName, metric)));
            }
        }

        return rows;
    }

    public static IReadOnlyList<string> NoisyReasons(double[] loadBefore, IReadOnlyList<SummaryRow> rows)
    {
        var reasons = new List<string>();
        if (loadBefore[0] > QuietLoad)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"1-minute load {loadBefore[0]:0.00} before the run (quiet is ≤ {QuietLoad:0.0})"));
        }

        foreach (var row in rows)
        {
            if (row.Spread > NoisySpread && MetricCatalog.Find(row.Metric) is { Tolerance: > 0 })
            {
                reasons.Add(string.Create(CultureInfo.InvariantCulture, $"{row.Relay} {row.Metric}: repetitions disagree by {row.Spread:P0}"));
            }
        }

        return reasons;
    }

    private static Dictionary<int, double> ValuesByRepetition(IReadOnlyList<Sample> samples, string relay, string metric) =>
        samples.Where(sample => sample.Relay == relay && sample.Error is null && sample.Metrics.ContainsKey(metric))
            .GroupBy(sample => sample.Repetition)
            .ToDictionary(group => group.Key, group => group.First().Metrics[metric]);

    private static double Ratio(IReadOnlyList<Sample> samples, Dictionary<int, double> values, string reference, string metric)
    {
        var references = ValuesByRepetition(samples, reference, metric);
        var ratios = values.Where(pair => references.TryGetValue(pair.Key, out var r) && r != 0)
            .Select(pair => pair.Value / references[pair.Key]);
        return Statistics.MidMeanRatio(ratios);
    }
}
