using System.Text.Json;
using Relay.Soak.Monitoring;
using Relay.Soak.Reporting;
using Relay.Testing;

namespace Relay.Soak.Tests;

public sealed class SoakReportTests : IDisposable
{
    private static readonly byte[] s_pngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G'];
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "relay-soak-report-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static SoakTotals Totals(long lost = 0, long unexpected = 0) => new(
        DateTimeOffset.UtcNow, TimeSpan.FromMinutes(2),
        Sessions: 1234, BytesSent: 5_000_000, BytesVerified: 5_000_000 - lost, BytesLost: lost, BytesCorrupted: 0,
        [new WorkloadTally("bulk-up", 100, 99, 1, 4_000_000, 4_000_000, ["session 17: target reset (injected)"]),
         new WorkloadTally("interactive | ssh-like", 20, 20, 0, 1_000_000, 1_000_000, [])],
        [new FaultTally("target-refuses", 12, 12, 0, []),
         new FaultTally("client-vanishes", 8, 8 - unexpected, unexpected, unexpected > 0 ? ["session 99: expected close 1006\nbut the target saw 1000"] : [])]);

    private static SoakRunInfo Info(bool passed, params string[] reasons) => new(
        "/work/artifacts/relay/relay", ["relay -b ws-l:127.0.0.1:0 tcp:127.0.0.1:5000", "relay serve --config soak.json"],
        "test machine", TimeSpan.FromMinutes(2), 7, passed, reasons);

    private static async Task<(SoakMonitor Monitor, LeakVerdict Verdict)> SampledMonitorAsync(ChildProcess child, CancellationToken timeout)
    {
        long bytes = 0;
        var monitor = new SoakMonitor([new MonitoredRelay("forwarder", child.Pid, null)], TimeSpan.FromHours(1), () => bytes += 3_000_000, () => 5);
        await monitor.SampleAsync(timeout);
        monitor.MarkBaseline();
        await monitor.SampleAsync(timeout);
        var verdict = await monitor.SettleAndJudgeAsync(TimeSpan.FromSeconds(5), timeout);
        return (monitor, verdict);
    }

    [Fact]
    public async Task Write_PassingRun_WritesSixFilesAndJsonWithTheTotals()
    {
        var timeout = Loopback.Timeout();
        await using var child = await ChildProcess.StartAsync(extraFds: 0, timeout);
        var (monitor, verdict) = await SampledMonitorAsync(child, timeout);
        await using var _ = monitor;
        Assert.True(verdict.Passed, string.Join("; ", verdict.Checks.Select(c => c.Explanation)));

        var paths = SoakReport.Write(_directory, Info(passed: true), Totals(), monitor, verdict);

        Assert.Equal(
            ["fds.png", "report.json", "report.md", "rss.png", "sessions.png", "throughput.png"],
            paths.Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var png in paths.Where(path => path.EndsWith(".png", StringComparison.Ordinal)))
        {
            Assert.Equal(s_pngSignature, File.ReadAllBytes(png)[..4]);
        }

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_directory, "report.json")));
        var root = json.RootElement;
        Assert.True(root.GetProperty("passed").GetBoolean());
        Assert.Equal(1234, root.GetProperty("sessions").GetInt64());
        Assert.Equal(5_000_000, root.GetProperty("bytesSent").GetInt64());
        Assert.Equal(5_000_000, root.GetProperty("bytesVerified").GetInt64());
        Assert.Equal(0, root.GetProperty("lost").GetInt64());
        Assert.Equal(0, root.GetProperty("corrupted").GetInt64());
        var vanishes = root.GetProperty("faults").GetProperty("client-vanishes");
        Assert.Equal(8, vanishes.GetProperty("injected").GetInt64());
        Assert.Equal(8, vanishes.GetProperty("expected").GetInt64());
        Assert.Equal(0, vanishes.GetProperty("unexpected").GetInt64());
        Assert.Equal(2, root.GetProperty("workloads").GetArrayLength());
        Assert.True(root.GetProperty("leakVerdict").GetProperty("passed").GetBoolean());
        Assert.Equal(verdict.Checks.Count, root.GetProperty("leakVerdict").GetProperty("checks").GetArrayLength());

        var back = JsonSerializer.Deserialize<SoakReportDocument>(File.ReadAllText(Path.Combine(_directory, "report.json")), SoakReport.JsonOptions)!;
        Assert.Equal(verdict.Checks, back.LeakVerdict.Checks);

        var markdown = File.ReadAllText(Path.Combine(_directory, "report.md"));
        Assert.StartsWith("# Relay soak report: PASSED", markdown, StringComparison.Ordinal);
        Assert.Contains("![rss](rss.png)", markdown, StringComparison.Ordinal);
        Assert.Contains("interactive \\| ssh-like", markdown, StringComparison.Ordinal); // a pipe cannot break the table
        Assert.Contains("relay serve --config soak.json", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_LeakCheckFailed_SaysFailedWithTheReason()
    {
        var timeout = Loopback.Timeout();
        await using var child = await ChildProcess.StartAsync(extraFds: 0, timeout);
        var (monitor, _) = await SampledMonitorAsync(child, timeout);
        await using var __ = monitor;
        var leak = new LeakCheck("forwarder", LeakJudge.Descriptors, 40, 50, 44, false, "50 open descriptors after settle, 10 over baseline 40: sockets leaked");
        var verdict = LeakJudge.Verdict([leak]);

        SoakReport.Write(_directory, Info(passed: true), Totals(), monitor, verdict);

        var markdown = File.ReadAllText(Path.Combine(_directory, "report.md"));
        Assert.StartsWith("# Relay soak report: FAILED", markdown, StringComparison.Ordinal);
        var reasons = markdown[..markdown.IndexOf("## Totals", StringComparison.Ordinal)];
        Assert.Contains("leak check failed: forwarder descriptors: 50 open descriptors after settle, 10 over baseline 40", reasons, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_directory, "report.json")));
        Assert.False(json.RootElement.GetProperty("passed").GetBoolean());
        Assert.False(json.RootElement.GetProperty("leakVerdict").GetProperty("passed").GetBoolean());
    }

    [Fact]
    public async Task Write_HarnessFailedWithReasons_ListsThemFirst()
    {
        var timeout = Loopback.Timeout();
        await using var child = await ChildProcess.StartAsync(extraFds: 0, timeout);
        var (monitor, verdict) = await SampledMonitorAsync(child, timeout);
        await using var _ = monitor;

        SoakReport.Write(_directory, Info(false, "300 bytes lost in bulk-down"), Totals(lost: 300, unexpected: 1), monitor, verdict);

        var markdown = File.ReadAllText(Path.Combine(_directory, "report.md"));
        Assert.StartsWith("# Relay soak report: FAILED\n\nReasons:\n\n- 300 bytes lost in bulk-down\n", markdown, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_directory, "report.json")));
        Assert.Equal(300, json.RootElement.GetProperty("lost").GetInt64());
        Assert.Equal("300 bytes lost in bulk-down", json.RootElement.GetProperty("failureReasons")[0].GetString());
        Assert.Equal(1, json.RootElement.GetProperty("faults").GetProperty("client-vanishes").GetProperty("unexpected").GetInt64());
        // The unexpected outcome's sample message, on one line in its table cell.
        Assert.Contains("| client-vanishes | 8 | 7 | 1 | session 99: expected close 1006 but the target saw 1000 |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_HarnessSaysPassedButBytesLostOrFaultsUnexpected_FailsTheReport()
    {
        var timeout = Loopback.Timeout();
        await using var child = await ChildProcess.StartAsync(extraFds: 0, timeout);
        var (monitor, verdict) = await SampledMonitorAsync(child, timeout);
        await using var _ = monitor;

        SoakReport.Write(_directory, Info(passed: true), Totals(lost: 5, unexpected: 1), monitor, verdict);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_directory, "report.json")));
        Assert.False(json.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal(
            ["5 bytes lost", "client-vanishes: 1 unexpected outcomes"],
            json.RootElement.GetProperty("failureReasons").EnumerateArray().Select(reason => reason.GetString()));
    }
}
