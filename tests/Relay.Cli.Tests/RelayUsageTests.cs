using System.Text;
using Relay.Testing;

namespace Relay.Cli.Tests;

/// <summary>The published binary's answers that need no network: usage errors, --version, --help.</summary>
public sealed class RelayUsageTests(RelayBinaryFixture binary) : IClassFixture<RelayBinaryFixture>
{
    [Theory]
    [InlineData("--frob", "-b --frob - ws://127.0.0.1:1/")]
    [InlineData("--oneshot", "-b --oneshot - ws://127.0.0.1:1/")]
    [InlineData("--conncap", "-b --conncap=3 ws-l:127.0.0.1:1 tcp:127.0.0.1:2")]
    [InlineData("-s", "-s -b - ws://127.0.0.1:1/")]
    [InlineData("-t/--text", "-b -t - ws://127.0.0.1:1/")]
    [InlineData("-B/--buffer-size", "-b -B abc - ws://127.0.0.1:1/")]
    [InlineData("tcp:a:1", "-b tcp:a:1 tcp:b:2")]
    public async Task Relay_UsageError_ExitsTwoWithOneStderrLineNamingIt(string named, string commandLine)
    {
        Assert.NotEmpty(binary.Path);

        var (exit, stdout, stderr) = await RelayBinary.RunAsync([], Loopback.Timeout(10), commandLine.Split(' '));

        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.EndsWith("\n", stderr, StringComparison.Ordinal);
        var line = Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("relay: ", line, StringComparison.Ordinal);
        Assert.Contains(named, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Relay_Version_ExitsZeroAndPrintsVersion()
    {
        var (exit, stdout, stderr) = await RelayBinary.RunAsync([], Loopback.Timeout(10), "--version");

        Assert.Equal(0, exit);
        Assert.Equal("0.1.0", Encoding.UTF8.GetString(stdout).Trim());
        Assert.Empty(stderr);
    }

    [Fact]
    public async Task Relay_Help_ExitsZeroAndShowsTheThreeModes()
    {
        var (exit, stdout, stderr) = await RelayBinary.RunAsync([], Loopback.Timeout(10), "--help");

        var help = Encoding.UTF8.GetString(stdout);
        Assert.Equal(0, exit);
        Assert.Contains("relay --binary -B 65536 - wss://host/path", help, StringComparison.Ordinal);
        Assert.Contains("relay -b --exit-on-eof ws-l:0.0.0.0:8081 tcp:127.0.0.1:22", help, StringComparison.Ordinal);
        Assert.Contains("relay -b tcp-l:127.0.0.1:2222 wss://host/path", help, StringComparison.Ordinal);
        Assert.Contains("--exit-on-eof", help, StringComparison.Ordinal);
        Assert.Empty(stderr);
    }
}
