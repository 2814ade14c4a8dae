using System.Net;
using Relay.Load;

namespace Relay.Cli.Tests;

/// <summary><c>relay bench</c> and the <c>echo:</c> target as parsed command lines.</summary>
public sealed class BenchCommandLineTests
{
    [Fact]
    public void Parse_EchoTarget_ReturnsWebSocketForwarderWithEcho()
    {
        var run = Assert.IsType<ParseOutcome.Run>(CommandLine.Parse(["-b", "ws-l:0.0.0.0:8081", "echo:"]));

        Assert.Equal(Mode.WebSocketForwarder, run.Options.Mode);
        Assert.Equal(SpecifierKind.Echo, run.Options.Right.Kind);
    }

    [Theory]
    [InlineData("echo:", "ws-l:127.0.0.1:8081")]
    [InlineData("-", "echo:")]
    [InlineData("tcp-l:127.0.0.1:2222", "echo:")]
    public void Parse_EchoAnywhereButTheForwardersTarget_IsUsageError(string left, string right)
    {
        Assert.IsType<ParseOutcome.UsageError>(CommandLine.Parse(["-b", left, right]));
    }

    [Fact]
    public void Parse_BenchWithDefaults_IsUploadOf1GiBIn64KiBMessages()
    {
        var bench = ParseBench("ws://127.0.0.1:8081/");

        Assert.Equal(new Uri("ws://127.0.0.1:8081/"), bench.Load.Url);
        Assert.Equal(Workload.Upload, bench.Load.Workload);
        Assert.Equal(1L << 30, bench.Load.Bytes);
        Assert.Equal(65536, bench.Load.MessageSize);
        Assert.Null(bench.JsonPath);
    }

    [Fact]
    public void Parse_BenchRtt_DefaultsTo64ByteMessages()
    {
        var bench = ParseBench("ws://h/", "--workload", "rtt", "--count", "200", "--json", "out.json");

        Assert.Equal(Workload.Rtt, bench.Load.Workload);
        Assert.Equal(64, bench.Load.MessageSize);
        Assert.Equal(200, bench.Load.Count);
        Assert.Equal("out.json", bench.JsonPath);
    }

    [Fact]
    public void Parse_BenchEveryOption_LandsInLoadOptions()
    {
        var bench = ParseBench(
            "wss://h/p", "--workload", "IDLE", "--bytes", "2G", "--size", "16K", "--warmup", "5", "--connections", "10000",
            "--duration", "2.5", "--source-addresses", "127.0.0.1, 127.0.0.2", "-H", "X-A: b", "-k", "-q");

        Assert.Equal(Workload.Idle, bench.Load.Workload);
        Assert.Equal(2L << 30, bench.Load.Bytes);
        Assert.Equal(16384, bench.Load.MessageSize);
        Assert.Equal(5, bench.Load.Warmup);
        Assert.Equal(10000, bench.Load.Connections);
        Assert.Equal(TimeSpan.FromSeconds(2.5), bench.Load.Duration);
        Assert.Equal([IPAddress.Loopback, IPAddress.Parse("127.0.0.2")], bench.Load.SourceAddresses);
        Assert.Equal([new("X-A", "b")], bench.Load.Client.Headers.ToArray());
        Assert.True(bench.Load.Client.Insecure);
        Assert.True(bench.Quiet);
    }

    [Fact]
    public void Parse_BenchTcpUrl_IsAccepted()
    {
        Assert.Equal("tcp", ParseBench("tcp://127.0.0.1:9000", "--workload", "churn").Load.Url.Scheme);
    }

    [Theory]
    [InlineData("http://h/")]
    [InlineData("tcp://127.0.0.1")]
    [InlineData("ws://h/", "--workload", "flood")]
    [InlineData("ws://h/", "--workload", "2")]
    [InlineData("ws://h/", "--bytes", "lots")]
    [InlineData("ws://h/", "--size", "0")]
    [InlineData("ws://h/", "--count", "-1")]
    [InlineData("ws://h/", "--duration", "soon")]
    [InlineData("ws://h/", "--source-addresses", "localhost")]
    [InlineData("ws://h/", "--frobnicate")]
    public void Parse_BenchBadInput_IsOneLineUsageError(params string[] args)
    {
        var error = Assert.IsType<ParseOutcome.UsageError>(CommandLine.Parse(["bench", .. args]));

        Assert.StartsWith("bench: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Parse_BenchWithoutUrl_IsUsageError()
    {
        Assert.IsType<ParseOutcome.UsageError>(CommandLine.Parse(["bench"]));
    }

    [Fact]
    public void Parse_BenchHelp_PrintsTheWorkloads()
    {
        var print = Assert.IsType<ParseOutcome.Print>(CommandLine.Parse(["bench", "--help"]));

        Assert.Contains("--workload", print.Text, StringComparison.Ordinal);
        Assert.Contains("churn", print.Text, StringComparison.Ordinal);
    }

    private static BenchOptions ParseBench(params string[] args) =>
        Assert.IsType<ParseOutcome.Bench>(CommandLine.Parse(["bench", .. args])).Options;
}
