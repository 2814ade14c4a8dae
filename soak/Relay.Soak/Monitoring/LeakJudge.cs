using System.Globalization;

namespace Relay.Soak.Monitoring;

/// <summary>
/// The leak verdict as a pure function of samples, so it can be tested on made-up timelines. Per relay: the
/// active-session gauge is 0 (when the relay has metrics), descriptors, threads and RSS after settle are within
/// <see cref="LeakBounds"/> of the baseline, and in runs longer than <see cref="LeakBounds.TrendMinimumRun"/> the RSS
/// slope over the second half of the run is below its bound.
/// </summary>
public static class LeakJudge
{
    public const string Process = "process";
    public const string ActiveSessions = "active sessions";
    public const string Descriptors = "descriptors";
    public const string Threads = "threads";
    public const string Rss = "rss (MiB)";
    public const string RssTrend = "rss trend (MiB/h)";

    /// <param name="relay">The relay judged.</param>
    /// <param name="baseline">The sample after warm-up (null: the first sample stands in).</param>
    /// <param name="final">The last sample, after settle (null: the relay exited or never answered).</param>
    /// <param name="samples">Every sample of this relay, in time order.</param>
    /// <param name="loadEnded">When the load stopped, measured like <see cref="RelaySample.At"/>.</param>
    /// <param name="exitedAt">When the monitor found the process gone, if it did.</param>
    public static IReadOnlyList<LeakCheck> JudgeRelay(
        MonitoredRelay relay, RelaySample? baseline, RelaySample? final, IReadOnlyList<RelaySample> samples, TimeSpan loadEnded, TimeSpan? exitedAt)
    {
        var name = relay.Name;
        baseline ??= samples.Count > 0 ? samples[0] : null;
        if (exitedAt is not null || final is null || baseline is null)
        {
            var why = exitedAt is { } at
                ? $"the process (pid {relay.Pid}) exited at {Minutes(at)} before the verdict: nothing left to judge, and a relay must not die"
                : $"the process (pid {relay.Pid}) was never sampled";
            return [new LeakCheck(name, Process, 0, 0, 0, false, why)];
        }

        var checks = new List<LeakCheck>();
        if (relay.MetricsBase is not null)
        {
            var active = final.ActiveSessions;
            checks.Add(new LeakCheck(
                name, ActiveSessions, baseline.ActiveSessions ?? -1, active ?? -1, 0, active == 0,
                active switch
                {
                    null => "relay_sessions_active could not be read after settle (scrape failed or gauge missing; -1 stands for no value)",
                    0 => "relay_sessions_active is 0 after settle: every session was released",
                    _ => $"relay_sessions_active is {active} after settle: sessions were never released",
                }));
        }

        var fdBound = baseline.Fds + LeakBounds.ExtraDescriptors;
        checks.Add(new LeakCheck(
            name, Descriptors, baseline.Fds, final.Fds, fdBound, final.Fds <= fdBound,
            final.Fds <= fdBound
                ? $"{final.Fds} open descriptors after settle, within baseline {baseline.Fds} + {LeakBounds.ExtraDescriptors}"
                : $"{final.Fds} open descriptors after settle, {final.Fds - baseline.Fds} over baseline {baseline.Fds}: sockets leaked"));

        var threadBound = baseline.Threads + LeakBounds.ExtraThreads;
        checks.Add(new LeakCheck(
            name, Threads, baseline.Threads, final.Threads, threadBound, final.Threads <= threadBound,
            final.Threads <= threadBound
                ? $"{final.Threads} threads after settle, within baseline {baseline.Threads} + {LeakBounds.ExtraThreads} (the .NET thread pool retires its extra threads slowly)"
                : $"{final.Threads} threads after settle, more than baseline {baseline.Threads} + {LeakBounds.ExtraThreads}: threads are piling up"));

        var baseMib = baseline.RssKib / 1024.0;
        var finalMib = final.RssKib / 1024.0;
        var rssBound = baseMib + LeakBounds.ExtraRssKib / 1024.0;
        checks.Add(new LeakCheck(
            name, Rss, Round(baseMib), Round(finalMib), Round(rssBound), finalMib <= rssBound,
            finalMib <= rssBound
                ? $"RSS {finalMib:F1} MiB after settle, within baseline {baseMib:F1} + {LeakBounds.ExtraRssKib / 1024} MiB (GC heaps and buffer pools grown under load)"
                : $"RSS {finalMib:F1} MiB after settle, {finalMib - baseMib:F1} MiB over baseline {baseMib:F1}: more than GC and pool growth explain"));

        if (loadEnded > LeakBounds.TrendMinimumRun)
        {
            checks.Add(Trend(name, samples, loadEnded));
        }

        return checks;
    }

    public static LeakVerdict Verdict(IEnumerable<LeakCheck> checks)
    {
        var all = checks.ToList();
        return new LeakVerdict(all.TrueForAll(check => check.Passed), all);
    }

    /// <summary>Least-squares slope of RSS (MiB) against time (hours) over the second half of the load.</summary>
    public static double? SlopeMibPerHour(IReadOnlyList<RelaySample> samples, TimeSpan from, TimeSpan to)
    {
        var points = samples.Where(sample => sample.At >= from && sample.At <= to).ToList();
        if (points.Count < 3)
        {
            return null;
        }

        var meanX = points.Average(sample => sample.At.TotalHours);
        var meanY = points.Average(sample => sample.RssKib / 1024.0);
        double covariance = 0, variance = 0;
        foreach (var sample in points)
        {
            var dx = sample.At.TotalHours - meanX;
            covariance += dx * (sample.RssKib / 1024.0 - meanY);
            variance += dx * dx;
        }

        return variance == 0 ? null : covariance / variance;
    }

    private static LeakCheck Trend(string name, IReadOnlyList<RelaySample> samples, TimeSpan loadEnded)
    {
        var from = loadEnded / 2;
        var half = loadEnded - from;
        var bound = LeakBounds.RssTrendBoundMibPerHour(half);
        var slope = SlopeMibPerHour(samples, from, loadEnded);
        if (slope is null)
        {
            return new LeakCheck(name, RssTrend, 0, 0, Round(bound), false,
                $"fewer than 3 samples between {Minutes(from)} and {Minutes(loadEnded)}: the trend cannot be judged");
        }

        var passed = slope.Value < bound;
        return new LeakCheck(name, RssTrend, 0, Round(slope.Value), Round(bound), passed,
            passed
                ? $"RSS slope {slope:F1} MiB/h over {Minutes(from)}–{Minutes(loadEnded)}, below {bound:F1} MiB/h (baseline 0 = flat)"
                : $"RSS grew {slope:F1} MiB/h over {Minutes(from)}–{Minutes(loadEnded)}, above {bound:F1} MiB/h: memory is leaking under load");
    }

    private static double Round(double value) => Math.Round(value, 2);

    private static string Minutes(TimeSpan at) => at.TotalMinutes.ToString("F1", CultureInfo.InvariantCulture) + " min";
}
