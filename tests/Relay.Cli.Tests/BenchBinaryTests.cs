using System.Text.Json;
using Relay.Testing;

namespace Relay.Cli.Tests;

/// <summary>The published binary: an echo: forwarder measured by relay bench, with the JSON result on disk.</summary>
public sealed class BenchBinaryTests(RelayBinaryFixture binary) : IClassFixture<RelayBinaryFixture>
{
    [Fact]
    public async Task Bench_RttAgainstEchoForwarder_ExitsZeroAndWritesJson()
    {
        var timeout = Loopback.Timeout(30);
        Assert.NotEmpty(binary.Path);
        var port = Loopback.FreePort();
        await using var forwarder = await RelayBinary.StartListeningAsync(timeout, "-b", $"ws-l:127.0.0.1:{port}", "echo:");
        var json = Path.Combine(Path.GetTempPath(), $"relay-bench-{Guid.NewGuid():N}.json");
        try
        {
            var (exitCode, stdout, stderr) = await RelayBinary.RunAsync([], timeout, "bench", $"ws://127.0.0.1:{port}/", "--workload", "rtt", "--count", "200", "--json", json);

            Assert.True(exitCode == 0, $"exit {exitCode}: {stderr}");
            Assert.Contains("200 round trips", System.Text.Encoding.UTF8.GetString(stdout), StringComparison.Ordinal);
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(json, timeout));
            var root = document.RootElement;
            Assert.Equal("Rtt", root.GetProperty("workload").GetString());
            Assert.Equal(200, root.GetProperty("operations").GetInt64());
            Assert.Equal(0, root.GetProperty("failures").GetInt64());
            Assert.True(root.GetProperty("p50Micros").GetDouble() > 0);
            Assert.True(root.GetProperty("p99Micros").GetDouble() >= root.GetProperty("p50Micros").GetDouble());
            Assert.True(root.GetProperty("elapsedSeconds").GetDouble() > 0);
            var curve = root.GetProperty("percentiles");
            Assert.True(curve.GetArrayLength() > 5);
            Assert.Equal(100, curve[curve.GetArrayLength() - 1].GetProperty("percentile").GetDouble());
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public async Task Bench_NothingListening_ExitsOneWithOneLine()
    {
        Assert.NotEmpty(binary.Path);
        var (exitCode, _, stderr) = await RelayBinary.RunAsync([], Loopback.Timeout(30), "bench", $"ws://127.0.0.1:{Loopback.FreePort()}/", "--workload", "rtt");

        Assert.Equal(1, exitCode);
        Assert.Contains("connection refused", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_BadWorkload_ExitsTwo()
    {
        Assert.NotEmpty(binary.Path);
        var (exitCode, _, stderr) = await RelayBinary.RunAsync([], Loopback.Timeout(30), "bench", "ws://127.0.0.1:1/", "--workload", "flood");

        Assert.Equal(2, exitCode);
        Assert.Contains("--workload", stderr, StringComparison.Ordinal);
    }
}
