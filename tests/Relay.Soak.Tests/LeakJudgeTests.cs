using Relay.Soak.Monitoring;

namespace Relay.Soak.Tests;

public sealed class LeakJudgeTests
{
    private static readonly MonitoredRelay s_relay = new("serve", 4242, new Uri("http://127.0.0.1:9391/"));

    /// <summary>A sample every 10 s for <paramref name="minutes"/>, with RSS given by <paramref name="rssMib"/> of the minute.</summary>
    private static List<RelaySample> Timeline(double minutes, Func<double, double> rssMib, int fds = 40, int threads = 20, long active = 0)
    {
        var samples = new List<RelaySample>();
        for (var at = TimeSpan.Zero; at.TotalMinutes <= minutes; at += TimeSpan.FromSeconds(10))
        {
            samples.Add(new RelaySample("serve", at, (long)(rssMib(at.TotalMinutes) * 1024), fds, threads, active));
        }

        return samples;
    }

    private static IReadOnlyList<LeakCheck> Judge(List<RelaySample> samples, double loadMinutes, RelaySample? final = null) =>
        LeakJudge.JudgeRelay(s_relay, samples[1], final ?? samples[^1], samples, TimeSpan.FromMinutes(loadMinutes), exitedAt: null);

    [Fact]
    public void JudgeRelay_FlatSamples_PassesEveryCheck()
    {
        var samples = Timeline(60, _ => 30);

        var checks = Judge(samples, 59);

        Assert.All(checks, check => Assert.True(check.Passed, check.Explanation));
        Assert.Equal(
            [LeakJudge.ActiveSessions, LeakJudge.Descriptors, LeakJudge.Threads, LeakJudge.Rss, LeakJudge.RssTrend],
            checks.Select(check => check.Measure));
        Assert.True(LeakJudge.Verdict(checks).Passed);
    }

    [Fact]
    public void JudgeRelay_DescriptorLeak_FailsWithTheNumbers()
    {
        var samples = Timeline(2, _ => 30);
        var final = samples[^1] with { Fds = 40 + 10 };

        var checks = Judge(samples, 2, final);

        var fds = Assert.Single(checks, check => !check.Passed);
        Assert.Equal(LeakJudge.Descriptors, fds.Measure);
        Assert.Equal(40, fds.Baseline);
        Assert.Equal(50, fds.Final);
        Assert.Equal(40 + LeakBounds.ExtraDescriptors, fds.Bound);
        Assert.Contains("10 over baseline 40", fds.Explanation, StringComparison.Ordinal);
        Assert.False(LeakJudge.Verdict(checks).Passed);
    }

    [Fact]
    public void JudgeRelay_DescriptorsAtTheBound_Passes()
    {
        var samples = Timeline(2, _ => 30);

        var checks = Judge(samples, 2, samples[^1] with { Fds = 40 + LeakBounds.ExtraDescriptors });

        Assert.True(LeakJudge.Verdict(checks).Passed);
    }

    [Fact]
    public void JudgeRelay_RssGrowingSteadilyInALongRun_FailsTheTrend()
    {
        // 40 MiB per hour for an hour: after settle only 40 MiB over baseline (within its 48 MiB), but a steady slope.
        var samples = Timeline(60, minute => 30 + 40 * minute / 60);

        var checks = Judge(samples, 60);

        var trend = Assert.Single(checks, check => check.Measure == LeakJudge.RssTrend);
        Assert.False(trend.Passed);
        Assert.Equal(40, trend.Final, precision: 0);
        Assert.Equal(LeakBounds.RssTrendMibPerHour, trend.Bound);
        Assert.Contains("MiB/h", trend.Explanation, StringComparison.Ordinal);
        Assert.True(Assert.Single(checks, check => check.Measure == LeakJudge.Rss).Passed);
    }

    [Fact]
    public void JudgeRelay_ShortRun_HasNoTrendCheck()
    {
        var samples = Timeline(2, minute => 30 + 10 * minute);

        var checks = Judge(samples, 2);

        Assert.DoesNotContain(checks, check => check.Measure == LeakJudge.RssTrend);
        Assert.True(LeakJudge.Verdict(checks).Passed);
    }

    [Fact]
    public void JudgeRelay_RssFarOverBaselineAfterSettle_Fails()
    {
        var samples = Timeline(2, _ => 30);

        var checks = Judge(samples, 2, samples[^1] with { RssKib = (30 + 100) * 1024 });

        var rss = Assert.Single(checks, check => !check.Passed);
        Assert.Equal(LeakJudge.Rss, rss.Measure);
        Assert.Equal(130, rss.Final);
        Assert.Equal(30 + 48, rss.Bound);
    }

    [Fact]
    public void JudgeRelay_ThreadsAndSessionsLeft_FailBoth()
    {
        var samples = Timeline(2, _ => 30);

        var checks = Judge(samples, 2, samples[^1] with { Threads = 20 + LeakBounds.ExtraThreads + 1, ActiveSessions = 2 });

        Assert.Equal([LeakJudge.ActiveSessions, LeakJudge.Threads], checks.Where(c => !c.Passed).Select(c => c.Measure));
    }

    [Fact]
    public void RssTrendBound_ShortSecondHalf_AllowsOneHeapStep()
    {
        Assert.Equal(32, LeakBounds.RssTrendBoundMibPerHour(TimeSpan.FromHours(2)));
        Assert.Equal(32, LeakBounds.RssTrendBoundMibPerHour(TimeSpan.FromMinutes(30)));
        Assert.Equal(16 / (5 / 60.0), LeakBounds.RssTrendBoundMibPerHour(TimeSpan.FromMinutes(5)), precision: 6);
    }

    [Fact]
    public void SlopeMibPerHour_StraightLine_ReturnsItsSlope()
    {
        var samples = Timeline(30, minute => 100 + minute); // 60 MiB per hour

        Assert.Equal(60, LeakJudge.SlopeMibPerHour(samples, TimeSpan.Zero, TimeSpan.FromMinutes(30))!.Value, precision: 1);
        Assert.Null(LeakJudge.SlopeMibPerHour(samples, TimeSpan.FromMinutes(31), TimeSpan.FromMinutes(40)));
    }
}
