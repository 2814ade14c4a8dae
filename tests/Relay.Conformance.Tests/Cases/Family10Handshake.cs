using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Relay.Core.Framing;
using Relay.Core.Handshake;
using Relay.Core.Hosting;
using Relay.Core.Relaying;
using Relay.Testing;

namespace Relay.Conformance.Tests;

/// <summary>
/// Our family 10, the opening handshake against the forwarder (RFC 6455 §4.2, DESIGN.md §5): every refusal is a
/// complete HTTP answer the client can read, never a dropped socket, and the target is never dialled for one.
/// </summary>
public sealed class Family10_Handshake_ServerRole(ServerRoleFixture relay) : ConformanceCases(relay), IClassFixture<ServerRoleFixture>
{
    private const string ValidKey = "dGhlIHNhbXBsZSBub25jZQ==";

    private readonly ServerRoleFixture _forwarder = relay;

    private ServerRoleFixture Forwarder => _forwarder;

    [Fact]
    public Task Family10_Handshake_Case10_1_MissingKey_Answers400() => ExpectRefusalAsync(
        "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n", 400);

    [Theory]
    [InlineData("short")]
    [InlineData("dGhlIHNhbXBsZSBub25j")]             // base64 of 15 bytes
    [InlineData("dGhlIHNhbXBsZSBub25jZQ")]           // 16 bytes without padding
    [InlineData("!!!!!!!!!!!!!!!!!!!!!!==")]         // 24 characters, not base64
    [InlineData("dGhlIHNhbXBsZSBub25jZXh4eA==")]     // base64 of 19 bytes
    public Task Family10_Handshake_Case10_2_MalformedKey_Answers400(string key) => ExpectRefusalAsync(
        $"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n", 400);

    [Theory]
    [InlineData("Sec-WebSocket-Version: 8\r\n")]
    [InlineData("Sec-WebSocket-Version: 14\r\n")]
    [InlineData("")]
    public async Task Family10_Handshake_Case10_3_WrongOrMissingVersion_Answers426WithVersion13(string versionHeader)
    {
        var response = await ExpectRefusalAsync(
            $"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {ValidKey}\r\n{versionHeader}\r\n", 426);
        Assert.Contains("\r\nSec-WebSocket-Version: 13\r\n", response, StringComparison.Ordinal);
    }

    /// <summary>A plain HTTP request gets a whole HTTP answer: status line, headers, and a body of Content-Length bytes.</summary>
    [Fact]
    public async Task Family10_Handshake_Case10_4_NotAnUpgrade_Answers426WithCompleteBody()
    {
        var response = await ExpectRefusalAsync("GET /index.html HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\n\r\n", 426);
        var split = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(split > 0, response);
        var contentLength = response[..split].Split("\r\n").Single(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(int.Parse(contentLength["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture), Encoding.UTF8.GetByteCount(response[(split + 4)..]));
        Assert.Contains("Connection: close", response, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public Task Family10_Handshake_Case10_5_PostUpgrade_Answers405() => ExpectRefusalAsync(
        $"POST / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {ValidKey}\r\nSec-WebSocket-Version: 13\r\n\r\n", 405);

    [Theory]
    [InlineData("HELLO\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nbad header line\r\n\r\n")]
    [InlineData("GET / SPDY/3\r\nHost: x\r\n\r\n")]
    public Task Family10_Handshake_Case10_6_MalformedRequest_Answers400(string request) => ExpectRefusalAsync(request, 400);

    [Fact]
    public Task Family10_Handshake_Case10_7_RequestLineOverLimit_Answers414() => ExpectRefusalAsync(
        $"GET /{new string('a', UpgradeRequestParser.MaxRequestLineLength)} HTTP/1.1\r\nHost: x\r\n\r\n", 414);

    [Fact]
    public Task Family10_Handshake_Case10_8_HeaderBlockOverLimit_Answers431() => ExpectRefusalAsync(
        $"GET / HTTP/1.1\r\nHost: x\r\n{string.Concat(Enumerable.Range(0, 200).Select(i => $"X-Filler-{i}: {new string('b', 100)}\r\n"))}\r\n", 431);

    /// <summary>
    /// A request that never finishes gets 408 when the handshake timeout fires. The binary's timeout is the default
    /// 10 s, so this case runs the same forwarder in process with a 300 ms timeout.
    /// </summary>
    [Fact]
    public async Task Family10_Handshake_Case10_9_UnfinishedRequest_Answers408AfterHandshakeTimeout()
    {
        var timeout = Loopback.Timeout(15);
        using var stop = new CancellationTokenSource();
        var forwarder = new WebSocketForwarder(
            new IPEndPoint(IPAddress.Loopback, 0), Target.Tcp("127.0.0.1", Forwarder.TargetPort), new RelayOptions(), TimeSpan.FromMilliseconds(300), NullLogger.Instance);
        var running = forwarder.RunAsync(stop.Token);
        try
        {
            var port = ((IPEndPoint)forwarder.LocalEndPoint).Port;
            var started = System.Diagnostics.Stopwatch.StartNew();
            var response = await HttpExchange.ExchangeAsync(port, "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"u8.ToArray(), timeout);
            Assert.StartsWith("HTTP/1.1 408 ", response, StringComparison.Ordinal);
            Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(250), $"408 after {started.Elapsed.TotalMilliseconds} ms, before the timeout");
        }
        finally
        {
            await stop.CancelAsync();
            await running;
            await forwarder.DisposeAsync();
        }
    }

    /// <summary>Frames sent in the same write as the upgrade request belong to the session and reach the target intact.</summary>
    [Fact]
    public async Task Family10_Handshake_Case10_10_FramesPipelinedBehindHandshake_ReachTarget()
    {
        var timeout = Loopback.Timeout(30);
        using var client = await HttpExchange.ConnectAsync(Forwarder.Port, timeout);
        await using var peer = new RawWebSocketPeer(client, isClient: true);
        var payload = Payloads.Binary(3000, seed: 101);
        await client.SendAllAsync(Payloads.Concat(
            HttpExchange.UpgradeRequest(ValidKey),
            peer.BuildFrame(Opcode.Binary, payload.AsSpan(0, 1000)),
            peer.BuildFrame(Opcode.Text, "pipelined"u8),
            peer.BuildFrame(Opcode.Binary, payload.AsSpan(1000))), timeout);
        using var target = await Forwarder.AcceptTargetAsync(timeout);
        var expected = Payloads.Concat(payload.AsSpan(0, 1000).ToArray(), "pipelined"u8.ToArray(), payload.AsSpan(1000).ToArray());
        Assert.Equal(expected, await target.ReadExactlyAsync(expected.Length, timeout));
        var head = await HttpExchange.ReadHeadAsync(client, timeout);
        Assert.StartsWith("HTTP/1.1 101 ", head, StringComparison.Ordinal);
        Assert.Contains($"Sec-WebSocket-Accept: {WebSocketAccept.Compute(ValidKey)}\r\n", head, StringComparison.Ordinal);
        await using var session = new ConformanceSession(peer, target, timeout);
        await session.CloseNormallyAsync();
    }

    /// <summary>The upgrade request in one-byte writes, split inside CRLFs, is still one request.</summary>
    [Fact]
    public async Task Family10_Handshake_Case10_11_RequestInOneByteWrites_Upgrades()
    {
        var timeout = Loopback.Timeout(30);
        using var client = await HttpExchange.ConnectAsync(Forwarder.Port, timeout);
        await using var peer = new RawWebSocketPeer(client, isClient: true);
        foreach (var b in HttpExchange.UpgradeRequest(ValidKey))
        {
            await client.SendAllAsync(new[] { b }, timeout);
        }

        var head = await HttpExchange.ReadHeadAsync(client, timeout);
        Assert.StartsWith("HTTP/1.1 101 ", head, StringComparison.Ordinal);
        using var target = await Forwarder.AcceptTargetAsync(timeout);
        await using var session = new ConformanceSession(peer, target, timeout);
        await session.SendAsync(session.Frame(Opcode.Binary, "hello"u8));
        Assert.Equal("hello"u8.ToArray(), await session.ReadByteSideAsync(5));
        await session.CloseNormallyAsync();
    }

    /// <summary>
    /// A client that upgrades and then never reads: the target's stream backs up into TCP flow control (the target's
    /// send cannot finish, because the relay holds a bounded amount), other sessions still relay meanwhile, and once
    /// the client reads, every byte arrives intact.
    /// </summary>
    [Fact]
    public async Task Family10_Handshake_Case10_12_ClientNeverReads_BackpressureAndOtherSessionsRelay()
    {
        var timeout = Loopback.Timeout(60);
        await using var stalled = await Forwarder.OpenSessionAsync(timeout);
        var data = RandomNumberGenerator.GetBytes(48 * 1024 * 1024); // more than the kernel buffers of both legs hold
        var sending = stalled.ByteSide.SendAllAsync(data, timeout);

        await Forwarder.AssertHealthyAsync();
        Assert.False(sending.IsCompleted, "the target wrote 48 MiB to a client that reads nothing: the relay buffered it");

        var received = await stalled.Peer.ReadDataAsync(data.Length, timeout);
        await sending;
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(received));
        await stalled.CloseNormallyAsync();
    }

    /// <summary>A client that vanishes in the middle of its request costs the relay nothing.</summary>
    [Fact]
    public async Task Family10_Handshake_Case10_13_ClientClosesMidRequest_RelayStaysUp()
    {
        var timeout = Loopback.Timeout(15);
        using (var client = await HttpExchange.ConnectAsync(Forwarder.Port, timeout))
        {
            await client.SendAllAsync("GET / HTTP/1.1\r\nHost: x\r\nUpg"u8.ToArray(), timeout);
        }

        using (var client = await HttpExchange.ConnectAsync(Forwarder.Port, timeout))
        {
            client.LingerState = new LingerOption(true, 0); // close with a reset
            await client.SendAllAsync("GET / HTTP/1.1\r\n"u8.ToArray(), timeout);
        }

        Assert.False(Forwarder.Relay.Process.HasExited);
    }

    /// <summary>The target is dialled before the 101, so a dead target is a 502 the client reads, not a 101 and a close.</summary>
    [Fact]
    public async Task Family10_Handshake_Case10_14_UnreachableTarget_Answers502()
    {
        var timeout = Loopback.Timeout(20);
        var port = Loopback.FreePort();
        using var target = new RefusingPort();
        await using var deadEnd = await RelayBinary.StartListeningAsync(timeout, "-b", "-E", $"ws-l:127.0.0.1:{port}", $"tcp:127.0.0.1:{target.Port}");
        for (var i = 0; i < 3; i++)
        {
            var response = await HttpExchange.ExchangeAsync(port, HttpExchange.UpgradeRequest(ValidKey), timeout);
            Assert.StartsWith("HTTP/1.1 502 ", response, StringComparison.Ordinal);
            Assert.DoesNotContain("Sec-WebSocket-Accept", response, StringComparison.Ordinal);
        }

        Assert.False(deadEnd.Process.HasExited);
    }

    /// <summary>Sends <paramref name="request"/>, expects a complete HTTP answer with <paramref name="status"/> and a closed connection.</summary>
    private async Task<string> ExpectRefusalAsync(string request, int status)
    {
        var response = await HttpExchange.ExchangeAsync(Forwarder.Port, Encoding.ASCII.GetBytes(request), Loopback.Timeout(15));
        Assert.StartsWith($"HTTP/1.1 {status} ", response, StringComparison.Ordinal);
        Assert.Contains("\r\n\r\n", response, StringComparison.Ordinal);
        return response;
    }
}
