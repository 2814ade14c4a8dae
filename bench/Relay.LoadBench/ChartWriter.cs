using ScottPlot;

namespace Relay.LoadBench;

/// <summary>PNG charts of a run (ScottPlot, headless): throughput bars, rtt latency curves, memory per idle session.</summary>
public static class ChartWriter
{
    public static IReadOnlyList<string> Write(RunRecord run, string directory)
    {
        var written = new List<string>();
        Bars(run, directory, "throughput.png", "Throughput (MB/s, median)", ["upload.mbps", "download.mbps", "ssh.scp_mbps"], written);
        Bars(run, directory, "cpu.png", "Relay CPU seconds per GiB (median)", ["upload.cpu_s_per_gib", "download.cpu_s_per_gib"], written);
        Bars(run, directory, "rss-per-session.png", "Memory per idle session (KiB, median, log scale; VmRSS and Pss)", ["idle.rss_per_session_kib", "idle.pss_per_session_kib"], written, logScale: true);
        Latency(run, directory, written);
        return written;
    }

    /// <summary>Grouped bars: one group per relay, one bar per metric.</summary>
    private static void Bars(RunRecord run, string directory, string file, string title, string[] metrics, List<string> written, bool logScale = false)
    {
        var relays = run.Relays.Where(relay => run.Summary.Any(row => row.Relay == relay && metrics.Contains(row.Metric))).ToList();
        if (relays.Count == 0)
        {
            return;
        }

        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<Bar>();
        for (var r = 0; r < relays.Count; r++)
        {
            for (var m = 0; m < metrics.Length; m++)
            {
                var row = run.Summary.FirstOrDefault(row => row.Relay == relays[r] && row.Metric == metrics[m]);
                if (row is not null && double.IsFinite(row.Median))
                {
                    // Log scale: Relay's ~10 KiB per session next to websockify's ~30 MiB would be an invisible bar.
                    var value = logScale ? Math.Log10(Math.Max(row.Median, 1)) : row.Median;
                    bars.Add(new Bar { Position = r * (metrics.Length + 1) + m, Value = value, FillColor = palette.GetColor(m) });
                }
            }
        }

        plot.Add.Bars(bars);
        for (var m = 0; m < metrics.Length && metrics.Length > 1; m++)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = metrics[m], FillColor = palette.GetColor(m) });
        }

        var ticks = relays.Select((relay, r) => new Tick(r * (metrics.Length + 1) + (metrics.Length - 1) / 2.0, relay)).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        if (logScale)
        {
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                Enumerable.Range(0, 7).Select(power => new Tick(power, Math.Pow(10, power).ToString("N0", System.Globalization.CultureInfo.InvariantCulture))).ToArray());
        }

        plot.Axes.Margins(bottom: 0);
        plot.Title(title);
        Save(plot, directory, file, written);
    }

    /// <summary>rtt latency against percentile on a "nines" axis (90, 99, 99.9 …), one curve per relay (first repetition).</summary>
    private static void Latency(RunRecord run, string directory, List<string> written)
    {
        var plot = new Plot();
        var any = false;
        foreach (var relay in run.Relays)
        {
            var sample = run.Samples.FirstOrDefault(sample => sample.Relay == relay && sample.Workload == BenchPlan.Rtt && sample.Percentiles.Count > 0);
            if (sample is null)
            {
                continue;
            }

            var scale = sample.Percentiles.Max(point => point[0]) <= 1 ? 100 : 1;
            var points = sample.Percentiles.Where(point => point[0] * scale < 100).ToArray();
            var xs = points.Select(point => Math.Log10(100 / (100 - point[0] * scale))).ToArray();
            // A log scale: the tails of slow relays would flatten everyone else's curve.
            var ys = points.Select(point => Math.Log10(Math.Max(point[1], 1))).ToArray();
            var line = plot.Add.ScatterLine(xs, ys);
            line.LegendText = relay;
            any = true;
        }

        if (!any)
        {
            return;
        }

        string[] labels = ["0", "90", "99", "99.9", "99.99", "99.999"];
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            labels.Select((label, i) => new Tick(i, label)).ToArray());
        double[] micros = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000];
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            micros.Select(value => new Tick(Math.Log10(value), value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture))).ToArray());
        plot.XLabel("percentile");
        plot.YLabel("round trip (µs, log scale)");
        plot.Title("64 B round trips through an echo target");
        plot.ShowLegend(Alignment.UpperLeft);
        Save(plot, directory, "rtt-percentiles.png", written);
    }

    private static void Save(Plot plot, string directory, string file, List<string> written)
    {
        var path = Path.Combine(directory, file);
        plot.SavePng(path, 900, 500);
        written.Add(path);
    }
}
