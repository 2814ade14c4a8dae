using Relay.Soak.Monitoring;
using Relay.Testing;

namespace Relay.Soak.Tests;

public sealed class SoakMonitorTests
{
    [Fact]
    public async Task Sample_LiveChildProcess_ReadsRssDescriptorsAndThreads()
    {
        var timeout = Loopback.Timeout();
        await using var plain = await ChildProcess.StartAsync(extraFds: 0, timeout);
        await using var withFds = await ChildProcess.StartAsync(extraFds: 5, timeout);
        await using var monitor = new SoakMonitor(
            [new MonitoredRelay("plain", plain.Pid, null), new MonitoredRelay("fds", withFds.Pid, null)],
            TimeSpan.FromHours(1), () => 0, () => 0);

        await monitor.SampleAsync(timeout);

        var a = monitor.Latest("plain");
        var b = monitor.Latest("fds");
        Assert.NotNull(a);
        Assert.NotNull(b);
        Assert.True(a.RssKib > 0, $"RSS {a.RssKib} KiB");
        Assert.True(a.Fds >= 3, $"{a.Fds} descriptors: stdin, stdout and stderr at least");
        Assert.Equal(5, b.Fds - a.Fds); // the same process but for the five descriptors bash opened on /dev/null
        Assert.True(a.Threads >= 1);
        Assert.Null(a.ActiveSessions);
        Assert.Equal(2, monitor.RelaySamples.Count);
        Assert.Empty(monitor.Exited);
    }

    [Fact]
    public async Task Sample_ProcessExited_RecordsTheExitWithoutThrowing()
    {
        var timeout = Loopback.Timeout();
        await using var child = await ChildProcess.StartAsync(extraFds: 0, timeout);
        await using var monitor = new SoakMonitor([new MonitoredRelay("gone", child.Pid, null)], TimeSpan.FromHours(1), () => 0, () => 0);
        await monitor.SampleAsync(timeout);
        monitor.MarkBaseline();
        await child.KillAsync(timeout);

        await monitor.SampleAsync(timeout);
        var verdict = await monitor.SettleAndJudgeAsync(TimeSpan.FromSeconds(5), timeout);

        Assert.Contains("gone", monitor.Exited.Keys);
        Assert.Single(monitor.RelaySamples); // the sample before the kill, none after
        Assert.Contains(monitor.Events, e => e.Contains("has exited", StringComparison.Ordinal));
        Assert.False(verdict.Passed);
        var check = Assert.Single(verdict.Checks);
        Assert.Equal(LeakJudge.Process, check.Measure);
        Assert.Contains("exited", check.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sample_MetricsEndpoint_ReadsActiveSessionsGaugeSummedOverLabels()
    {
        var timeout = Loopback.Timeout();
        await using var child = await ChildProcess.StartAsync(extraFds: 0, timeout);
        await using var endpoint = new MetricsEndpoint(_ =>
            "# TYPE relay_sessions_active gauge\nrelay_sessions_active{route=\"/a\"} 3\nrelay_sessions_active{route=\"/b\"} 4\n" +
            "relay_sessions_active_max 99\nrelay_sessions_total 1000\n");
        await using var monitor = new SoakMonitor([new MonitoredRelay("relay", child.Pid, endpoint.Base)], TimeSpan.FromHours(1), () => 0, () => 0);

        await monitor.SampleAsync(timeout);

        Assert.Equal(7, monitor.Latest("relay")!.ActiveSessions);
        Assert.Equal(1, endpoint.Requests);
    }

    [Fact]
    public async Task Sample_MetricsEndpointDown_RecordsNullGaugeAndAnEvent()
    {
        var timeout = Loopback.Timeout();
        await using var child = await ChildProcess.StartAsync(extraFds: 0, timeout);
        using var nothing = new RefusingPort();
        var closedPort = new Uri($"http://127.0.0.1:{nothing.Port}/");
        await using var monitor = new SoakMonitor([new MonitoredRelay("relay", child.Pid, closedPort)], TimeSpan.FromHours(1), () => 0, () => 0);

        await monitor.SampleAsync(timeout);

        var sample = monitor.Latest("relay");
        Assert.NotNull(sample);
        Assert.Null(sample.ActiveSessions);
        Assert.Contains(monitor.Events, e => e.Contains("scrape", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SettleAndJudge_GaugeFallsToZero_PassesOnceSettled()
    {
        var timeout = Loopback.Timeout();
        await using var child = await ChildProcess.StartAsync(extraFds: 0, timeout);
        // Two scrapes under load (the baseline's and the first settle poll), then the sessions drain.
        await using var endpoint = new MetricsEndpoint(request => MetricsEndpoint.Gauge(request < 2 ? 5 : 0));
        await using var monitor = new SoakMonitor([new MonitoredRelay("relay", child.Pid, endpoint.Base)], TimeSpan.FromHours(1), () => 0, () => 0);
        await monitor.SampleAsync(timeout);
        monitor.MarkBaseline();

        var verdict = await monitor.SettleAndJudgeAsync(TimeSpan.FromSeconds(10), timeout);

        Assert.True(verdict.Passed, string.Join("; ", verdict.Checks.Select(c => c.Explanation)));
        Assert.Equal([5L, 5L, 0L], monitor.RelaySamples.Select(s => s.ActiveSessions!.Value));
        var sessions = Assert.Single(verdict.Checks, c => c.Measure == LeakJudge.ActiveSessions);
        Assert.Equal(5, sessions.Baseline);
        Assert.Equal(0, sessions.Final);
        Assert.Contains(verdict.Checks, c => c.Measure == LeakJudge.Descriptors);
        Assert.Contains(verdict.Checks, c => c.Measure == LeakJudge.Threads);
        Assert.Contains(verdict.Checks, c => c.Measure == LeakJudge.Rss);
    }

    [Fact]
    public async Task SettleAndJudge_GaugeStaysAboveZero_FailsAfterTheBound()
    {
        var timeout = Loopback.Timeout();
        await using var child = await ChildProcess.StartAsync(extraFds: 0, timeout);
        await using var endpoint = new MetricsEndpoint(_ => MetricsEndpoint.Gauge(3));
        await using var monitor = new SoakMonitor([new MonitoredRelay("relay", child.Pid, endpoint.Base)], TimeSpan.FromHours(1), () => 0, () => 0);
        await monitor.SampleAsync(timeout);
        monitor.MarkBaseline();

        var verdict = await monitor.SettleAndJudgeAsync(TimeSpan.FromSeconds(1.2), timeout);

        Assert.False(verdict.Passed);
        var sessions = Assert.Single(verdict.Checks, c => c.Measure == LeakJudge.ActiveSessions);
        Assert.False(sessions.Passed);
        Assert.Equal(3, sessions.Final);
        Assert.Contains("never released", sessions.Explanation, StringComparison.Ordinal);
        Assert.True(endpoint.Requests >= 3, $"{endpoint.Requests} scrapes: the settle loop polls every 500 ms until the bound");
    }

    [Fact]
    public async Task SampleAsync_ThroughputCallbacks_RecordsRateAndOpenSessions()
    {
        var timeout = Loopback.Timeout();
        long bytes = 0;
        await using var monitor = new SoakMonitor([], TimeSpan.FromHours(1), () => Interlocked.Read(ref bytes), () => 17);
        await monitor.SampleAsync(timeout);
        Interlocked.Add(ref bytes, 50_000_000);

        await monitor.SampleAsync(timeout);

        var samples = monitor.Throughput;
        Assert.Equal(2, samples.Count);
        Assert.All(samples, s => Assert.Equal(17, s.SessionsOpen));
        Assert.True(samples[1].MegabytesPerSecond > 0, "50 MB relayed between the samples");
        Assert.True(samples[1].At > samples[0].At);
    }

    [Fact]
    public async Task Start_ShortInterval_SamplesAtOnceAndThenRepeatedlyUntilDisposed()
    {
        var timeout = Loopback.Timeout();
        await using var child = await ChildProcess.StartAsync(extraFds: 0, timeout);
        var monitor = new SoakMonitor([new MonitoredRelay("relay", child.Pid, null)], TimeSpan.FromMilliseconds(50), () => 0, () => 0);
        monitor.Start();

        await monitor.WhenSampledAsync(3, timeout);
        await monitor.DisposeAsync();

        var samples = monitor.RelaySamples;
        Assert.True(samples.Count >= 3);
        Assert.True(samples[2].At > samples[0].At);
    }
}
