using System.Security.Cryptography;
using Relay.Testing;

namespace Relay.Cli.Tests;

/// <summary>
/// The ProxyCommand client (<c>relay - ws://…</c>) as a user runs it: the published binary against a published
/// forwarder (<c>relay -b -E ws-l:… tcp:…</c>) in front of a TCP echo target.
/// </summary>
public sealed class StdioClientTests(RelayBinaryFixture binary) : IClassFixture<RelayBinaryFixture>
{
    [Fact]
    public async Task Client_FourMiBOnStdin_ExitsZeroWithEveryByteEchoedOnStdout()
    {
        var timeout = Loopback.Timeout(20);
        await using var echo = new EchoServer();
        var port = Loopback.FreePort();
        await using var forwarder = await StartForwarderAsync(port, echo.Port, timeout);
        var input = RandomNumberGenerator.GetBytes(4 << 20);

        var (exit, stdout, stderr) = await RelayBinary.RunAsync(input, timeout, "--binary", "-B", "65536", "-", $"ws://127.0.0.1:{port}/");

        Assert.True(exit == 0, $"client exited with {exit}: {stderr}\nforwarder: {forwarder.Stderr}");
        Assert.Equal(input.Length, stdout.Length);
        Assert.Equal(SHA256.HashData(input), SHA256.HashData(stdout));
        Assert.Equal(1, echo.Accepted);
    }

    [Fact]
    public async Task Client_EmptyStdin_ExitsZeroWithEmptyStdout()
    {
        var timeout = Loopback.Timeout(15);
        await using var echo = new EchoServer();
        var port = Loopback.FreePort();
        await using var forwarder = await StartForwarderAsync(port, echo.Port, timeout);

        var (exit, stdout, stderr) = await RelayBinary.RunAsync([], timeout, "--binary", "-B", "65536", "-", $"ws://127.0.0.1:{port}/");

        Assert.True(exit == 0, $"client exited with {exit}: {stderr}\nforwarder: {forwarder.Stderr}");
        Assert.Empty(stdout);
        Assert.Equal(1, echo.Accepted);
    }

    [Fact]
    public async Task Client_ForwarderTargetDead_ExitsSixReporting502()
    {
        var timeout = Loopback.Timeout(15);
        var port = Loopback.FreePort();
        // Bound, never listening: a number from FreePort was once taken by a parallel test's listener in CI (exit 0).
        using var deadPort = new RefusingPort();
        await using var forwarder = await StartForwarderAsync(port, deadPort.Port, timeout);

        var (exit, stdout, stderr) = await RelayBinary.RunAsync([], timeout, "-b", "-", $"ws://127.0.0.1:{port}/");

        Assert.Equal(6, exit); // ExitCodes.TargetUnreachable
        Assert.Empty(stdout);
        Assert.Contains("502", stderr, StringComparison.Ordinal);
        Assert.StartsWith("relay: ", stderr, StringComparison.Ordinal);
        Assert.False(forwarder.Process.HasExited, "the forwarder must outlive a dead target");
    }

    [Fact]
    public async Task Client_NoServer_ExitsThreeReportingConnectionRefused()
    {
        using var nothing = new RefusingPort();
        var (exit, stdout, stderr) = await RelayBinary.RunAsync([], Loopback.Timeout(15), "-b", "-", $"ws://127.0.0.1:{nothing.Port}/");

        Assert.Equal(3, exit); // ExitCodes.ConnectFailed: nothing listens
        Assert.Empty(stdout);
        Assert.Contains("connection refused", stderr, StringComparison.Ordinal);
        var line = Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("relay: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_NeitherBinaryNorText_PrintsBinaryNoticeOnStderr()
    {
        using var nothing = new RefusingPort();
        var (exit, stdout, stderr) = await RelayBinary.RunAsync([], Loopback.Timeout(15), "-", $"ws://127.0.0.1:{nothing.Port}/");

        Assert.Equal(3, exit); // ExitCodes.ConnectFailed: nothing listens
        Assert.Empty(stdout);
        Assert.Contains("relay: neither -b nor -t given: relaying binary messages\n", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_Binary_PrintsNoNotice()
    {
        var (_, _, stderr) = await RelayBinary.RunAsync([], Loopback.Timeout(15), "-b", "-", $"ws://127.0.0.1:{Loopback.FreePort()}/");

        Assert.DoesNotContain("neither -b nor -t", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("insecure", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_Quiet_PrintsNoNotice()
    {
        using var nothing = new RefusingPort();
        var (exit, _, stderr) = await RelayBinary.RunAsync([], Loopback.Timeout(15), "-q", "-", $"ws://127.0.0.1:{nothing.Port}/");

        Assert.Equal(3, exit); // ExitCodes.ConnectFailed: nothing listens
        Assert.DoesNotContain("neither -b nor -t", stderr, StringComparison.Ordinal);
        Assert.Contains("connection refused", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_Insecure_PrintsWarningBeforeConnecting()
    {
        using var nothing = new RefusingPort();
        var (exit, stdout, stderr) = await RelayBinary.RunAsync([], Loopback.Timeout(15), "-b", "-k", "-", $"ws://127.0.0.1:{nothing.Port}/");

        Assert.Equal(3, exit); // ExitCodes.ConnectFailed: nothing listens
        Assert.Empty(stdout);
        Assert.Contains("relay: warning: -k/--insecure: TLS certificates are not checked\n", stderr, StringComparison.Ordinal);
    }

    private Task<RelayProcess> StartForwarderAsync(int port, int targetPort, CancellationToken cancellationToken)
    {
        Assert.NotEmpty(binary.Path);
        return RelayBinary.StartListeningAsync(cancellationToken, "-b", "-E", $"ws-l:127.0.0.1:{port}", $"tcp:127.0.0.1:{targetPort}");
    }
}
