using System.Net;
using Relay.Core.Hosting;
using Relay.Testing;

namespace Relay.Load.Tests;

/// <summary>Every workload against an in-process forwarder (echo: and a TCP echo target) and against raw TCP.</summary>
public sealed class LoadRunnerTests
{
    public static TheoryData<string> Targets => ["echo", "tcp-echo"];

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Upload_ThroughForwarder_CountsEveryByteAndEndsAfterTheClose(string target)
    {
        await using var echo = new EchoServer();
        await using var forwarder = new InProcessForwarder(TargetFor(target, echo));

        var result = await LoadRunner.RunAsync(new LoadOptions { Url = forwarder.Url, Workload = Workload.Upload, Bytes = (1 << 20) + 5, MessageSize = 16 * 1024 }, Loopback.Timeout());

        Assert.Equal(Workload.Upload, result.Workload);
        Assert.Equal((1 << 20) + 5, result.Bytes);
        Assert.Equal(65, result.Operations);
        Assert.True(result.Elapsed > TimeSpan.Zero);
        Assert.True(result.MegabytesPerSecond > 0);
    }

    [Fact]
    public async Task Download_FromSourceBehindForwarder_CountsPayloadUpToBytes()
    {
        await using var source = new SourceServer(3 << 20);
        await using var forwarder = new InProcessForwarder(Target.Tcp("127.0.0.1", source.Port));

        var result = await LoadRunner.RunAsync(new LoadOptions { Url = forwarder.Url, Workload = Workload.Download, Bytes = 2 << 20 }, Loopback.Timeout());

        Assert.True(result.Bytes >= 2 << 20, $"{result.Bytes} bytes");
        Assert.True(result.Bytes <= 3 << 20);
    }

    [Fact]
    public async Task Download_SourceEndsEarly_StopsAtItsEnd()
    {
        await using var source = new SourceServer(100_000);
        await using var forwarder = new InProcessForwarder(Target.Tcp("127.0.0.1", source.Port));

        var result = await LoadRunner.RunAsync(new LoadOptions { Url = forwarder.Url, Workload = Workload.Download, Bytes = 1 << 20 }, Loopback.Timeout());

        Assert.Equal(100_000, result.Bytes);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Rtt_ThroughForwarder_RecordsCountRoundTripsAndPercentiles(string target)
    {
        await using var echo = new EchoServer();
        await using var forwarder = new InProcessForwarder(TargetFor(target, echo));

        var result = await LoadRunner.RunAsync(new LoadOptions { Url = forwarder.Url, Workload = Workload.Rtt, MessageSize = 64, Count = 200, Warmup = 20 }, Loopback.Timeout());

        Assert.Equal(200, result.Operations);
        Assert.True(result.P50Micros > 0);
        Assert.True(result.P50Micros <= result.P99Micros && result.P99Micros <= result.P999Micros && result.P999Micros <= result.MaxMicros);
        Assert.Equal(100, result.Percentiles[^1].Percentile);
        Assert.Equal(result.MaxMicros, result.Percentiles[^1].Micros, 1);
    }

    [Fact]
    public async Task Rtt_MessageLargerThanOneRead_StillEchoesWhole()
    {
        await using var forwarder = new InProcessForwarder(Target.Echo);

        var result = await LoadRunner.RunAsync(new LoadOptions { Url = forwarder.Url, Workload = Workload.Rtt, MessageSize = 300_000, Count = 5, Warmup = 1 }, Loopback.Timeout());

        Assert.Equal(5, result.Operations);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Churn_ThroughForwarder_CompletesConnectionsWithoutFailures(string target)
    {
        await using var echo = new EchoServer();
        await using var forwarder = new InProcessForwarder(TargetFor(target, echo));
        var reports = new List<LoadProgress>();

        var result = await LoadRunner.RunAsync(new LoadOptions
        {
            Url = forwarder.Url,
            Workload = Workload.Churn,
            Connections = 4,
            Duration = TimeSpan.FromSeconds(1.2),
            Progress = new SynchronousProgress(reports),
            // Ticks well inside the run: a 1 s tick against a 1.2 s run was lost once to a busy test host (CI, stop 13).
            ProgressInterval = TimeSpan.FromMilliseconds(100),
        }, Loopback.Timeout());

        Assert.True(result.Operations > 10, $"{result.Operations} connections");
        Assert.Equal(0, result.Failures);
        Assert.True(result.P50Micros > 0);
        Assert.NotEmpty(reports);
        Assert.All(reports, report => Assert.Equal(Workload.Churn, report.Workload));
        Assert.True(reports[^1].Operations <= result.Operations, $"progress said {reports[^1].Operations}, the result {result.Operations}");
    }

    [Fact]
    public async Task Idle_ThroughForwarder_HoldsEverySessionLive()
    {
        await using var forwarder = new InProcessForwarder(Target.Echo);

        var result = await LoadRunner.RunAsync(new LoadOptions
        {
            Url = forwarder.Url,
            Workload = Workload.Idle,
            Connections = 20,
            Duration = TimeSpan.FromMilliseconds(100),
            SourceAddresses = [IPAddress.Loopback, IPAddress.Parse("127.0.0.2")],
        }, Loopback.Timeout());

        Assert.Equal(20, result.Operations);
        Assert.Equal(20, result.Live);
        Assert.Equal(0, result.Failures);
    }

    [Fact]
    public async Task Tcp_AgainstEchoServer_RunsUploadRttChurnAndIdle()
    {
        await using var echo = new EchoServer();
        var url = new Uri($"tcp://127.0.0.1:{echo.Port}");

        var upload = await LoadRunner.RunAsync(new LoadOptions { Url = url, Workload = Workload.Upload, Bytes = 1 << 20, MessageSize = 8192 }, Loopback.Timeout());
        var rtt = await LoadRunner.RunAsync(new LoadOptions { Url = url, Workload = Workload.Rtt, MessageSize = 64, Count = 100, Warmup = 10 }, Loopback.Timeout());
        var churn = await LoadRunner.RunAsync(new LoadOptions { Url = url, Workload = Workload.Churn, Connections = 2, Duration = TimeSpan.FromMilliseconds(300) }, Loopback.Timeout());
        var idle = await LoadRunner.RunAsync(new LoadOptions { Url = url, Workload = Workload.Idle, Connections = 10, Duration = TimeSpan.FromMilliseconds(50) }, Loopback.Timeout());

        Assert.Equal(1 << 20, upload.Bytes);
        Assert.Equal(100, rtt.Operations);
        Assert.True(churn.Operations > 0);
        Assert.Equal(0, churn.Failures);
        Assert.Equal(10, idle.Live);
    }

    [Fact]
    public async Task Rtt_TargetRefuses_ThrowsConnectFailure()
    {
        using var nothing = new RefusingPort();
        var url = new Uri($"ws://127.0.0.1:{nothing.Port}/");

        await Assert.ThrowsAsync<WebSocketConnectException>(() => LoadRunner.RunAsync(new LoadOptions { Url = url, Workload = Workload.Rtt }, Loopback.Timeout()));
    }

    [Fact]
    public async Task RunAsync_HttpUrl_ThrowsArgumentException()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => LoadRunner.RunAsync(new LoadOptions { Url = new Uri("http://host/") }, Loopback.Timeout()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task RunAsync_ProgressIntervalNotPositive_ThrowsBeforeConnecting(int milliseconds)
    {
        // A URL nobody serves: the check must come first, not a connection failure.
        using var nothing = new RefusingPort();
        var options = new LoadOptions
        {
            Url = new Uri($"ws://127.0.0.1:{nothing.Port}/"),
            Workload = Workload.Churn,
            ProgressInterval = TimeSpan.FromMilliseconds(milliseconds),
        };

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => LoadRunner.RunAsync(options, Loopback.Timeout()));
    }

    private static Target TargetFor(string target, EchoServer echo) =>
        target == "echo" ? Target.Echo : Target.Tcp("127.0.0.1", echo.Port);

    /// <summary>Records reports on the reporting thread (Progress&lt;T&gt; would post them later).</summary>
    private sealed class SynchronousProgress(List<LoadProgress> reports) : IProgress<LoadProgress>
    {
        public void Report(LoadProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
