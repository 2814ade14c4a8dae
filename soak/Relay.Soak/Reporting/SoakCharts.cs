using Relay.Soak.Monitoring;
using ScottPlot;

namespace Relay.Soak.Reporting;

/// <summary>
/// The PNG timelines (ScottPlot, headless): rss.png, fds.png, sessions.png and throughput.png, minutes on the x axis,
/// one line per relay, dashed markers at the baseline and at the end of the load.
/// </summary>
public static class SoakCharts
{
    public const string RssFile = "rss.png";
    public const string FdsFile = "fds.png";
    public const string SessionsFile = "sessions.png";
    public const string ThroughputFile = "throughput.png";

    public static IReadOnlyList<string> Write(string directory, SoakMonitor monitor)
    {
        var samples = monitor.RelaySamples;
        var throughput = monitor.Throughput;
        var relays = monitor.Relays.Select(relay => relay.Name).ToList();
        var written = new List<string>();

        var rss = NewPlot(monitor, "Relay RSS (VmRSS)", "MiB");
        foreach (var relay in relays)
        {
            Line(rss, relay, samples.Where(s => s.Relay == relay).Select(s => (s.At, s.RssKib / 1024.0)));
        }

        Save(rss, directory, RssFile, written);

        var fds = NewPlot(monitor, "Relay open file descriptors", "descriptors");
        foreach (var relay in relays)
        {
            Line(fds, relay, samples.Where(s => s.Relay == relay).Select(s => (s.At, (double)s.Fds)));
        }

        Save(fds, directory, FdsFile, written);

        var sessions = NewPlot(monitor, "Open sessions: the harness's count and each relay's relay_sessions_active", "sessions");
        Line(sessions, "harness (open)", throughput.Select(s => (s.At, (double)s.SessionsOpen)));
        foreach (var relay in relays)
        {
            Line(sessions, $"{relay} (active gauge)", samples.Where(s => s.Relay == relay && s.ActiveSessions is not null).Select(s => (s.At, (double)s.ActiveSessions!.Value)));
        }

        Save(sessions, directory, SessionsFile, written);

        var rate = NewPlot(monitor, "Throughput through the relays (bytes relayed by the harness)", "MB/s");
        Line(rate, "MB/s", throughput.Select(s => (s.At, s.MegabytesPerSecond)));
        Save(rate, directory, ThroughputFile, written);
        return written;
    }

    private static Plot NewPlot(SoakMonitor monitor, string title, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("minutes");
        plot.YLabel(yLabel);
        Marker(plot, monitor.BaselineAt, "baseline", Colors.SteelBlue);
        Marker(plot, monitor.LoadEndedAt, "load stopped", Colors.Gray);
        return plot;
    }

    private static void Marker(Plot plot, TimeSpan? at, string label, Color color)
    {
        if (at is { } value)
        {
            var line = plot.Add.VerticalLine(value.TotalMinutes);
            line.LinePattern = LinePattern.Dashed;
            line.Color = color;
            line.LegendText = label;
        }
    }

    private static void Line(Plot plot, string label, IEnumerable<(TimeSpan At, double Value)> points)
    {
        var list = points.ToList();
        if (list.Count == 0)
        {
            return;
        }

        var line = plot.Add.ScatterLine(list.Select(p => p.At.TotalMinutes).ToArray(), list.Select(p => p.Value).ToArray());
        line.LegendText = label;
    }

    private static void Save(Plot plot, string directory, string file, List<string> written)
    {
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(Alignment.UpperLeft);
        var path = Path.Combine(directory, file);
        plot.SavePng(path, 1000, 500);
        written.Add(path);
    }
}
