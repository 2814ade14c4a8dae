using System.Globalization;

namespace Relay.LoadBench;

/// <summary>Compares a run's relay ÷ socat-64k ratios with the baseline, metric by metric.</summary>
public static class RegressionGate
{
    /// <summary>One line per gated metric; <c>Passed</c> is false when any ratio is worse than its tolerance allows.</summary>
    public static (bool Passed, IReadOnlyList<string> Lines) Check(RunRecord run, Baseline baseline)
    {
        var lines = new List<string>();
        var passed = true;
        foreach (var (key, baselineRatio) in baseline.Ratios)
        {
            var metric = MetricCatalog.Find(key);
            var tolerance = baseline.Tolerances.GetValueOrDefault(key, metric?.Tolerance ?? 0);
            if (metric is null || tolerance <= 0)
            {
                continue;
            }

            var row = run.Summary.FirstOrDefault(row => row.Relay == RelayDefinition.RelayName && row.Metric == key);
            if (row is null || !double.IsFinite(row.RatioToSocat))
            {
                passed = false;
                lines.Add($"FAIL {key}: not measured in this run");
                continue;
            }

            var worsening = metric.Worsening(row.RatioToSocat, baselineRatio);
            var ok = worsening <= tolerance;
            passed &= ok;
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{(ok ? "ok  " : "FAIL")} {key,-26} ratio {row.RatioToSocat,7:0.000}  baseline {baselineRatio,7:0.000}  worse by {worsening,7:P1}  (tolerance {tolerance:P0})"));
        }

        var errors = run.Samples.Where(sample => sample.Error is not null).ToList();
        foreach (var error in errors)
        {
            passed = false;
            lines.Add($"FAIL {error.Workload} through {error.Relay}: {error.Error}");
        }

        return (passed, lines);
    }
}
