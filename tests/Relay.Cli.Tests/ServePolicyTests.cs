using System.Net.Sockets;
using System.Text;
using Relay.Core.Framing;
using Relay.Testing;

namespace Relay.Cli.Tests;

/// <summary>relay serve's routes, token and origin rules, against a real process on loopback.</summary>
public sealed class ServePolicyTests : IClassFixture<RelayBinaryFixture>
{
    private const string Token = "s3cret-token-XYZ";

    [Fact]
    public async Task Serve_Routes_EachPathReachesItsTargetAndUnknownPathsGet404()
    {
        var timeout = Loopback.Timeout(20);
        await using var ssh = new EchoServer();
        await using var vnc = new EchoServer();
        await using var serve = await ServeProcess.StartAsync(timeout, null, "--route", $"/ssh=tcp:127.0.0.1:{ssh.Port}", "--route", $"/vnc=tcp:127.0.0.1:{vnc.Port}");

        await using (var peer = (await UpgradeClient.ConnectAsync(serve.Port, "/ssh", timeout)).Open)
        {
            await AssertEchoesAsync(peer, "to ssh", timeout);
        }

        await using (var peer = (await UpgradeClient.ConnectAsync(serve.Port, "/vnc?x=1", timeout)).Open)
        {
            await AssertEchoesAsync(peer, "to vnc", timeout);
        }

        var unknown = await UpgradeClient.ConnectAsync(serve.Port, "/etc/passwd", timeout);
        Assert.Equal(404, unknown.Status);
        Assert.Contains("no route", unknown.Body, StringComparison.Ordinal);
        Assert.Equal(1, ssh.Accepted);
        Assert.Equal(1, vnc.Accepted);
    }

    [Fact]
    public async Task Serve_DefaultRoute_TakesEveryOtherPath()
    {
        var timeout = Loopback.Timeout(20);
        await using var ssh = new EchoServer();
        await using var other = new EchoServer();
        await using var serve = await ServeProcess.StartAsync(timeout, null, "--target", $"tcp:127.0.0.1:{other.Port}", "--route", $"/ssh=tcp:127.0.0.1:{ssh.Port}");

        await using (var peer = (await UpgradeClient.ConnectAsync(serve.Port, "/anything", timeout)).Open)
        {
            await AssertEchoesAsync(peer, "default", timeout);
        }

        Assert.Equal(0, ssh.Accepted);
        Assert.Equal(1, other.Accepted);
    }

    [Fact]
    public async Task Serve_Token_RefusesMissingAndWrongWith401AndAcceptsHeaderOrQuery()
    {
        var timeout = Loopback.Timeout(20);
        await using var echo = new EchoServer();
        var tokenFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(tokenFile, Token + "\n", timeout);
        try
        {
            await using var serve = await ServeProcess.StartAsync(timeout, null, "--target", $"tcp:127.0.0.1:{echo.Port}", "--token-file", tokenFile);

            var missing = await UpgradeClient.ConnectAsync(serve.Port, "/", timeout);
            Assert.Equal(401, missing.Status);
            Assert.Contains("WWW-Authenticate: Bearer", missing.Head, StringComparison.Ordinal);
            var wrong = await UpgradeClient.ConnectAsync(serve.Port, "/", timeout, "Authorization: Bearer " + Token + "x");
            Assert.Equal(401, wrong.Status);
            var wrongQuery = await UpgradeClient.ConnectAsync(serve.Port, "/?token=nope", timeout);
            Assert.Equal(401, wrongQuery.Status);
            Assert.Equal(0, echo.Accepted);

            await using (var peer = (await UpgradeClient.ConnectAsync(serve.Port, "/", timeout, "Authorization: Bearer " + Token)).Open)
            {
                await AssertEchoesAsync(peer, "header", timeout);
            }

            await using (var peer = (await UpgradeClient.ConnectAsync(serve.Port, "/?a=b&token=" + Uri.EscapeDataString(Token), timeout)).Open)
            {
                await AssertEchoesAsync(peer, "query", timeout);
            }

            await serve.WaitForLogAsync("refused with 401", timeout);
            Assert.DoesNotContain(Token, serve.Log, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(tokenFile);
        }
    }

    [Fact]
    public async Task Serve_TokenFromEnvironment_IsRequired()
    {
        var timeout = Loopback.Timeout(20);
        await using var echo = new EchoServer();
        await using var serve = await ServeProcess.StartAsync(timeout, new Dictionary<string, string?> { ["RELAY_TOKEN"] = Token }, "--target", $"tcp:127.0.0.1:{echo.Port}");
        Assert.Equal(401, (await UpgradeClient.ConnectAsync(serve.Port, "/", timeout)).Status);
        await using var peer = (await UpgradeClient.ConnectAsync(serve.Port, "/", timeout, "Authorization: Bearer " + Token)).Open;
        await AssertEchoesAsync(peer, "env token", timeout);
    }

    [Fact]
    public async Task Serve_OriginAllowList_Refuses403AndLetsListedAndAbsentOriginsThrough()
    {
        var timeout = Loopback.Timeout(20);
        await using var echo = new EchoServer();
        await using var serve = await ServeProcess.StartAsync(timeout, null, "--target", $"tcp:127.0.0.1:{echo.Port}", "--allow-origin", "https://console.example", "--allow-origin", "https://other.example");

        var evil = await UpgradeClient.ConnectAsync(serve.Port, "/", timeout, "Origin: https://evil.example");
        Assert.Equal(403, evil.Status);
        Assert.Contains("origin not allowed", evil.Body, StringComparison.Ordinal);
        await using (var listed = (await UpgradeClient.ConnectAsync(serve.Port, "/", timeout, "Origin: https://other.example")).Open)
        {
            await AssertEchoesAsync(listed, "listed", timeout);
        }

        await using (var cli = (await UpgradeClient.ConnectAsync(serve.Port, "/", timeout)).Open)
        {
            await AssertEchoesAsync(cli, "no origin", timeout);
        }

        Assert.Equal(2, echo.Accepted);
    }

    [Fact]
    public async Task Serve_UnixTarget_RelaysToTheSocket()
    {
        var timeout = Loopback.Timeout(20);
        var path = Path.Combine(Path.GetTempPath(), $"relay-unix-{Guid.NewGuid():N}.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(4);
        try
        {
            await using var serve = await ServeProcess.StartAsync(timeout, null, "--route", $"/local=unix:{path}");
            var answer = UpgradeClient.ConnectAsync(serve.Port, "/local", timeout);
            using var target = await listener.AcceptAsync(timeout);
            await using var peer = (await answer).Open;
            await peer.SendFrameAsync(Opcode.Binary, "over unix"u8, cancellationToken: timeout);
            var buffer = new byte[9];
            var got = 0;
            while (got < buffer.Length)
            {
                got += await target.ReceiveAsync(buffer.AsMemory(got), SocketFlags.None, timeout);
            }

            Assert.Equal("over unix", Encoding.ASCII.GetString(buffer));
        }
        finally
        {
            File.Delete(path);
        }
    }

    internal static async Task AssertEchoesAsync(RawWebSocketPeer peer, string text, CancellationToken timeout)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        await peer.SendFrameAsync(Opcode.Binary, bytes, cancellationToken: timeout);
        Assert.Equal(bytes, await peer.ReadDataAsync(bytes.Length, timeout));
    }
}
