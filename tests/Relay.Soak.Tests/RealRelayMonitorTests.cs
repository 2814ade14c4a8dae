using System.Text;
using Relay.Core.Framing;
using Relay.Soak.Monitoring;
using Relay.Testing;

namespace Relay.Soak.Tests;

/// <summary>The monitor against the real `relay serve` binary ($RELAY_BIN or artifacts/relay/relay): its /proc numbers and its real gauge.</summary>
public sealed class RealRelayMonitorTests
{
    [Fact]
    public async Task SettleAndJudge_RealServeSessionOpenThenClosed_SeesTheGaugeAndPasses()
    {
        var timeout = Loopback.Timeout(30);
        await using var echo = new EchoServer();
        var metricsPort = Loopback.FreePort();
        await using var serve = await ServeProcess.StartAsync(timeout, null, "--target", $"tcp:127.0.0.1:{echo.Port}", "--metrics", $"127.0.0.1:{metricsPort}");
        await using var monitor = new SoakMonitor(
            [new MonitoredRelay("serve", serve.Process.Id, new Uri($"http://127.0.0.1:{metricsPort}/"))], TimeSpan.FromHours(1), () => 0, () => 1);

        await monitor.SampleAsync(timeout);
        var idle = monitor.Latest("serve")!;
        Assert.Equal(0, idle.ActiveSessions);
        var peer = (await UpgradeClient.ConnectAsync(serve.Port, "/", timeout)).Open;
        await peer.SendFrameAsync(Opcode.Binary, "under load"u8, cancellationToken: timeout);
        Assert.Equal("under load", Encoding.ASCII.GetString(await peer.ReadDataAsync(10, timeout)));
        await monitor.SampleAsync(timeout);
        monitor.MarkBaseline();
        var loaded = monitor.Latest("serve")!;
        Assert.Equal(1, loaded.ActiveSessions);
        Assert.True(loaded.RssKib > 1024, $"RSS {loaded.RssKib} KiB");
        Assert.True(loaded.Threads > 1, $"{loaded.Threads} threads");
        Assert.True(loaded.Fds >= 5, $"{loaded.Fds} descriptors: listeners, the session's two sockets, stdio");

        await peer.SendCloseAsync(CloseStatus.NormalClosure, cancellationToken: timeout);
        await peer.ReadFrameAsync(timeout);
        await peer.DisposeAsync();
        var verdict = await monitor.SettleAndJudgeAsync(TimeSpan.FromSeconds(10), timeout);

        Assert.True(verdict.Passed, string.Join("; ", verdict.Checks.Select(c => $"{c.Measure}: {c.Explanation}")));
        Assert.Equal(0, monitor.Latest("serve")!.ActiveSessions);
        Assert.Equal(0, Assert.Single(verdict.Checks, c => c.Measure == LeakJudge.ActiveSessions).Final);
        Assert.True(monitor.Latest("serve")!.Fds < loaded.Fds && loaded.Fds > idle.Fds, string.Join(", ", monitor.RelaySamples.Select(s => $"{s.At.TotalMilliseconds:F0} ms: {s.Fds} fds, {s.ActiveSessions} active")));
    }
}
