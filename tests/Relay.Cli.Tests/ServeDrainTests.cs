using System.Net;
using System.Net.Sockets;
using Relay.Core.Framing;
using Relay.Testing;

namespace Relay.Cli.Tests;

/// <summary>A real SIGTERM to a real `relay serve` with sessions in flight; SO_REUSEPORT takeover.</summary>
public sealed class ServeDrainTests : IClassFixture<RelayBinaryFixture>
{
    [Fact]
    public async Task Serve_Sigterm_StopsAcceptingLetsTheSessionFinishAndExits0()
    {
        var timeout = Loopback.Timeout(30);
        await using var echo = new EchoServer();
        await using var serve = await ServeProcess.StartAsync(timeout, null, "--target", $"tcp:127.0.0.1:{echo.Port}", "--drain-timeout", "20");
        var peer = (await UpgradeClient.ConnectAsync(serve.Port, "/", timeout)).Open;
        await ServePolicyTests.AssertEchoesAsync(peer, "before", timeout);

        serve.Terminate();
        await serve.WaitForLogAsync("stopped accepting; draining 1 sessions", timeout);
        using (var late = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            var refused = await Assert.ThrowsAsync<SocketException>(async () => await late.ConnectAsync(new IPEndPoint(IPAddress.Loopback, serve.Port), timeout));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        }

        // The session in flight keeps relaying both ways while the server drains.
        await ServePolicyTests.AssertEchoesAsync(peer, "during the drain", timeout);
        Assert.False(serve.Process.HasExited);

        await peer.SendCloseAsync(CloseStatus.NormalClosure, cancellationToken: timeout);
        Assert.Equal(CloseStatus.NormalClosure, (await peer.ReadFrameAsync(timeout))!.CloseCode);
        await peer.DisposeAsync();
        Assert.Equal(0, await serve.WaitForExitAsync(timeout));
        Assert.Contains("stopped: every session has ended", serve.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("drain timeout:", serve.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_DrainTimeout_ClosesTheRemainingSessionsWith1001AndExits0()
    {
        var timeout = Loopback.Timeout(30);
        await using var echo = new EchoServer();
        await using var serve = await ServeProcess.StartAsync(timeout, null, "--target", $"tcp:127.0.0.1:{echo.Port}", "--drain-timeout", "0.5");
        await using var first = (await UpgradeClient.ConnectAsync(serve.Port, "/", timeout)).Open;
        await using var second = (await UpgradeClient.ConnectAsync(serve.Port, "/", timeout)).Open;
        await ServePolicyTests.AssertEchoesAsync(first, "one", timeout);
        await ServePolicyTests.AssertEchoesAsync(second, "two", timeout);

        serve.Terminate();
        foreach (var peer in new[] { first, second })
        {
            var close = await peer.ReadFrameAsync(timeout);
            Assert.Equal(Opcode.Close, close!.Opcode);
            Assert.Equal(CloseStatus.GoingAway, close.CloseCode);
            await peer.SendCloseAsync(CloseStatus.GoingAway, cancellationToken: timeout);
        }

        Assert.Equal(0, await serve.WaitForExitAsync(timeout));
        Assert.Contains("drain timeout: closing 2 sessions with 1001", serve.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_ReusePort_ANewProcessTakesThePortOverWhileTheOldOneDrains()
    {
        var timeout = Loopback.Timeout(30);
        await using var echo = new EchoServer();
        var port = Loopback.FreePort();
        string[] args = ["--listen", $"ws://127.0.0.1:{port}", "--target", $"tcp:127.0.0.1:{echo.Port}", "--reuse-port", "--drain-timeout", "20"];
        await using var old = await ServeProcess.StartAsync(timeout, null, args);
        var held = (await UpgradeClient.ConnectAsync(port, "/", timeout)).Open;
        await ServePolicyTests.AssertEchoesAsync(held, "old", timeout);

        // Without --reuse-port the port is taken: one line and exit 1.
        var (code, _, stderr) = await RelayBinary.RunAsync([], timeout, "serve", "--listen", $"ws://127.0.0.1:{port}", "--target", $"tcp:127.0.0.1:{echo.Port}");
        Assert.Equal(1, code);
        Assert.Contains("Address already in use", stderr, StringComparison.Ordinal);

        await using var successor = await ServeProcess.StartAsync(timeout, null, args);
        old.Terminate();
        await old.WaitForLogAsync("stopped accepting", timeout);
        for (var i = 0; i < 5; i++)
        {
            await using var peer = (await UpgradeClient.ConnectAsync(port, "/", timeout)).Open;
            await ServePolicyTests.AssertEchoesAsync(peer, $"new {i}", timeout);
        }

        await successor.WaitForLogAsync("session", timeout);
        await ServePolicyTests.AssertEchoesAsync(held, "old still draining", timeout);
        await held.SendCloseAsync(CloseStatus.NormalClosure, cancellationToken: timeout);
        await held.ReadFrameAsync(timeout);
        await held.DisposeAsync();
        Assert.Equal(0, await old.WaitForExitAsync(timeout));
    }
}
