using System.Globalization;
using System.Text;

namespace Relay.LoadBench;

/// <summary>results.md: per workload, a table of relays with each metric's median and its ratios.</summary>
public static class MarkdownReport
{
    public static string Write(RunRecord run)
    {
        var text = new StringBuilder();
        Line(text, $"# Relay load benchmark ({run.Plan})");
        Line(text, $"");
        Line(text, $"{run.Started:yyyy-MM-dd HH:mm} – {run.Finished:HH:mm} UTC, {run.ProcessorCount} cores, load before {Join(run.LoadBefore)}, after {Join(run.LoadAfter)}.");
        Line(text, $"Relays in the order of the first repetition: {string.Join(", ", run.Relays)}; {run.Summary.Select(row => row.Repetitions).DefaultIfEmpty(0).Max()} repetitions, order rotated each time.");
        Line(text, $"");
        Line(text, run.Noisy ? $"**Noisy run**: {string.Join("; ", run.NoisyReasons)}." : $"Quiet run: load and repetitions within limits.");
        foreach (var note in run.Notes.Distinct())
        {
            Line(text, $"- {note}");
        }

        foreach (var failure in run.Samples.Where(sample => sample.Error is not null))
        {
            Line(text, $"- FAILED [{failure.Repetition + 1}] {failure.Workload} through {failure.Relay}: {failure.Error}");
        }

        Line(text, $"");
        Line(text, $"Each cell: median over repetitions, then (× socat-64k, × direct): the per-repetition ratios to the reference, averaged over their middle half (geometric mean, a quarter dropped at each end). ± is (max − min) ÷ median.");
        foreach (var workload in BenchPlan.AllWorkloads)
        {
            var metrics = run.Summary.Where(row => row.Metric.StartsWith(workload + ".", StringComparison.Ordinal))
                .Select(row => row.Metric).Distinct().OrderBy(Order).ToList();
            if (metrics.Count == 0)
            {
                continue;
            }

            Line(text, $"");
            Line(text, $"## {workload}");
            Line(text, $"");
            text.Append("| relay |");
            foreach (var metric in metrics)
            {
                text.Append(CultureInfo.InvariantCulture, $" {metric[(workload.Length + 1)..]} ({MetricCatalog.Find(metric)?.Unit ?? "-"}) |");
            }

            text.Append("\n|---|").Append(string.Concat(Enumerable.Repeat("---:|", metrics.Count))).Append('\n');
            foreach (var relay in run.Relays)
            {
                if (!run.Summary.Any(row => row.Relay == relay && metrics.Contains(row.Metric)))
                {
                    continue;
                }

                text.Append(CultureInfo.InvariantCulture, $"| {relay} |");
                foreach (var metric in metrics)
                {
                    var row = run.Summary.FirstOrDefault(row => row.Relay == relay && row.Metric == metric);
                    text.Append(' ').Append(row is null ? "–" : Cell(row)).Append(" |");
                }

                text.Append('\n');
            }
        }

        return text.ToString();
    }

    private static int Order(string metric) => MetricCatalog.All.Select(m => m.Key).ToList() is var keys && keys.IndexOf(metric) is var i and >= 0 ? i : int.MaxValue;

    private static string Cell(SummaryRow row)
    {
        var cell = string.Create(CultureInfo.InvariantCulture, $"{Number(row.Median)}");
        if (row.Spread > 0)
        {
            cell += string.Create(CultureInfo.InvariantCulture, $" ±{row.Spread:P0}");
        }

        return cell + string.Create(CultureInfo.InvariantCulture, $" ({Ratio(row.RatioToSocat)}, {Ratio(row.RatioToDirect)})");
    }

    private static string Ratio(double ratio) => double.IsFinite(ratio) ? ratio.ToString("0.00×", CultureInfo.InvariantCulture) : "–";

    private static string Number(double value) => Math.Abs(value) switch
    {
        >= 100 => value.ToString("0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => value.ToString("0.00", CultureInfo.InvariantCulture),
    };

    private static string Join(double[] load) => string.Join(' ', load.Select(value => value.ToString("0.00", CultureInfo.InvariantCulture)));

    private static void Line(StringBuilder text, FormattableString line) => text.Append(FormattableString.Invariant(line)).Append('\n');

    private static void Line(StringBuilder text, string line) => text.Append(line).Append('\n');
}
