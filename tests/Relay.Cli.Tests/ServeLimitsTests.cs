using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Relay.Core.Framing;
using Relay.Testing;

namespace Relay.Cli.Tests;

/// <summary>relay serve's limits, keepalive and logs, against a real process on loopback.</summary>
public sealed class ServeLimitsTests : IClassFixture<RelayBinaryFixture>
{
    [Fact]
    public async Task Serve_MaxSessions_RefusesTheNextWith503AndAdmitsAgainOnceOneEnds()
    {
        var timeout = Loopback.Timeout(20);
        await using var echo = new EchoServer();
        await using var serve = await ServeProcess.StartAsync(timeout, null, "--target", $"tcp:127.0.0.1:{echo.Port}", "--max-sessions", "2");
        var first = (await UpgradeClient.ConnectAsync(serve.Port, "/", timeout)).Open;
        await using var second = (await UpgradeClient.ConnectAsync(serve.Port, "/", timeout)).Open;
        await ServePolicyTests.AssertEchoesAsync(first, "one", timeout);
        await ServePolicyTests.AssertEchoesAsync(second, "two", timeout);

        var third = await UpgradeClient.ConnectAsync(serve.Port, "/", timeout);
        Assert.Equal(503, third.Status);
        Assert.Contains("at capacity", third.Body, StringComparison.Ordinal);

        // The sessions already running keep their bytes.
        await ServePolicyTests.AssertEchoesAsync(second, "still two", timeout);

        await first.SendCloseAsync(CloseStatus.NormalClosure, cancellationToken: timeout);
        Assert.Equal(Opcode.Close, (await first.ReadFrameAsync(timeout))!.Opcode);
        await first.DisposeAsync();
        await serve.WaitForLogAsync("session 1 from", timeout);
        await using var fourth = (await UpgradeClient.ConnectAsync(serve.Port, "/", timeout)).Open;
        await ServePolicyTests.AssertEchoesAsync(fourth, "four", timeout);
    }

    [Fact]
    public async Task Serve_HandshakeTimeout_AnswersASilentClientWith408()
    {
        var timeout = Loopback.Timeout(20);
        await using var echo = new EchoServer();
        await using var serve = await ServeProcess.StartAsync(timeout, null, "--target", $"tcp:127.0.0.1:{echo.Port}", "--handshake-timeout", "0.5");
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, serve.Port), timeout);
        var answer = Encoding.ASCII.GetString(await client.ReadToEndAsync(timeout));
        Assert.StartsWith("HTTP/1.1 408 ", answer, StringComparison.Ordinal);
        Assert.Equal(0, echo.Accepted);
    }

    [Fact]
    public async Task Serve_IdleTimeout_ClosesASilentSessionWith1001EvenWhilePingsAreAnswered()
    {
        var timeout = Loopback.Timeout(20);
        await using var echo = new EchoServer();
        await using var serve = await ServeProcess.StartAsync(timeout, null, "--target", $"tcp:127.0.0.1:{echo.Port}", "--idle-timeout", "1", "--ping-interval", "0.2");
        await using var peer = (await UpgradeClient.ConnectAsync(serve.Port, "/", timeout)).Open;
        await ServePolicyTests.AssertEchoesAsync(peer, "then silence", timeout);
        var pings = 0;
        while (true)
        {
            var frame = await peer.ReadFrameAsync(timeout) ?? throw new EndOfStreamException("EOF before a Close");
            if (frame.Opcode == Opcode.Ping)
            {
                // A pong is not data: it must not keep an idle session open.
                pings++;
                await peer.SendFrameAsync(Opcode.Pong, frame.Payload, cancellationToken: timeout);
                continue;
            }

            Assert.Equal(Opcode.Close, frame.Opcode);
            Assert.Equal(CloseStatus.GoingAway, frame.CloseCode);
            break;
        }

        Assert.True(pings >= 2, $"expected the keepalive pings before the idle close, saw {pings}");
        await serve.WaitForLogAsync("idle timeout", timeout);
    }

    [Fact]
    public async Task Serve_PingTimeout_ClosesAPeerThatStopsAnswering()
    {
        var timeout = Loopback.Timeout(20);
        await using var echo = new EchoServer();
        await using var serve = await ServeProcess.StartAsync(timeout, null, "--target", $"tcp:127.0.0.1:{echo.Port}", "--ping-interval", "0.3", "--ping-timeout", "0.6");
        await using var peer = (await UpgradeClient.ConnectAsync(serve.Port, "/", timeout)).Open;
        var sawPing = false;
        try
        {
            while (await peer.ReadFrameAsync(timeout) is { } frame)
            {
                // Never answered: the server must give up on us (it aborts: a peer that stopped answering gets no close).
                sawPing |= frame.Opcode == Opcode.Ping;
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
        }

        Assert.True(sawPing);
        await serve.WaitForLogAsync("no answer from the peer within the ping timeout", timeout);
    }

    [Fact]
    public async Task Serve_MaxMessageSize_ClosesWith1009()
    {
        var timeout = Loopback.Timeout(20);
        await using var echo = new EchoServer();
        await using var serve = await ServeProcess.StartAsync(timeout, null, "--target", $"tcp:127.0.0.1:{echo.Port}", "--max-message-size", "1000");
        await using var peer = (await UpgradeClient.ConnectAsync(serve.Port, "/", timeout)).Open;
        await ServePolicyTests.AssertEchoesAsync(peer, new string('a', 1000), timeout);
        await peer.SendFrameAsync(Opcode.Binary, new byte[1001], cancellationToken: timeout);
        RawFrame? frame;
        do
        {
            frame = await peer.ReadFrameAsync(timeout);
        }
        while (frame is { Opcode: not Opcode.Close });

        Assert.Equal(CloseStatus.MessageTooBig, frame!.CloseCode);
    }

    [Fact]
    public async Task Serve_JsonLogs_OneStructuredLinePerSessionEnd()
    {
        var timeout = Loopback.Timeout(20);
        await using var echo = new EchoServer();
        await using var serve = await ServeProcess.StartAsync(timeout, null, "--route", $"/ssh=tcp:127.0.0.1:{echo.Port}", "--log-format", "json");
        await using (var peer = (await UpgradeClient.ConnectAsync(serve.Port, "/ssh", timeout)).Open)
        {
            await ServePolicyTests.AssertEchoesAsync(peer, "12345", timeout);
            await peer.SendCloseAsync(CloseStatus.NormalClosure, cancellationToken: timeout);
            Assert.Equal(Opcode.Close, (await peer.ReadFrameAsync(timeout))!.Opcode);
        }

        await serve.WaitForLogAsync("\"EventId\":3", timeout);
        var line = serve.Log.Split('\n').Single(l => l.Contains("\"EventId\":3", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(line);
        var state = json.RootElement.GetProperty("State");
        Assert.Equal("/ssh", state.GetProperty("Route").GetString());
        Assert.Equal(5, state.GetProperty("BytesToWebSocket").GetInt64());
        Assert.Equal(5, state.GetProperty("BytesFromWebSocket").GetInt64());
        Assert.StartsWith("127.0.0.1:", state.GetProperty("Remote").GetString(), StringComparison.Ordinal);
        Assert.True(state.GetProperty("DurationMs").GetInt64() >= 0);
        Assert.Equal("closed normally", state.GetProperty("Reason").GetString());
        Assert.True(state.GetProperty("SessionId").GetInt64() > 0);

        // Every line is JSON.
        foreach (var logLine in serve.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var parsed = JsonDocument.Parse(logLine);
        }
    }

    [Fact]
    public async Task Serve_RefusalFlood_IsLoggedAtABoundedRate()
    {
        var timeout = Loopback.Timeout(30);
        await using var echo = new EchoServer();
        await using var serve = await ServeProcess.StartAsync(timeout, null, "--target", $"tcp:127.0.0.1:{echo.Port}");
        const int Requests = 200;
        await Parallel.ForAsync(0, Requests, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = timeout }, async (_, token) =>
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, serve.Port), token);
            await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), SocketFlags.None, token);
            Assert.StartsWith("HTTP/1.1 426 ", Encoding.ASCII.GetString(await client.ReadToEndAsync(token)), StringComparison.Ordinal);
        });

        // The console logger writes from its own queue: wait for the first line before counting.
        await serve.WaitForLogAsync("refused with 426", timeout);
        var refusals = serve.Log.Split('\n').Count(l => l.Contains("refused with 426", StringComparison.Ordinal));
        Assert.InRange(refusals, 1, Requests / 2);
    }
}
