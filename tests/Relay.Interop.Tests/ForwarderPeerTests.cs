using System.Globalization;
using Relay.Testing;

namespace Relay.Interop.Tests;

/// <summary>
/// Real WebSocket clients (node ws, python3-websockets, headless Chromium, System.Net.WebSockets) against the
/// forwarder binary, <c>relay -b ws-l:127.0.0.1:P tcp:127.0.0.1:T</c>, with an echo target that hashes what crossed
/// the relay (<see cref="InteropTarget"/>). What .NET's ClientWebSocket already does in
/// <see cref="ClientWebSocketForwarderTests"/> (32 MiB round trip, target closes, keepalive pings) is not repeated
/// for it here.
/// </summary>
public sealed class ForwarderPeerTests
{
    private const int StreamBytes = 32 * 1024 * 1024;
    private const int PeerCloseCode = 4001;

    public static TheoryData<string> StreamingClients => new() { Peers.Node, Peers.Python, Peers.Chromium };

    public static TheoryData<string> AllClients => new() { Peers.Node, Peers.Python, Peers.Chromium, Peers.Dotnet };

    /// <summary>Peers whose API can send a Ping (a page cannot; ClientWebSocket only as keepalive, tested elsewhere).</summary>
    public static TheoryData<string> PingingClients => new() { Peers.Node, Peers.Python };

    private static async Task<(RelayProcess Relay, int Port)> StartForwarderAsync(int targetPort, CancellationToken token, params string[] options)
    {
        var port = Loopback.FreePort();
        var relay = await RelayBinary.StartListeningAsync(token, [.. options, "-b", $"ws-l:127.0.0.1:{port}", $"tcp:127.0.0.1:{targetPort}"]);
        return (relay, port);
    }

    private static string Url(int port) => $"ws://127.0.0.1:{port}/";

    [Theory]
    [MemberData(nameof(StreamingClients))]
    public async Task Forwarder_PeerStreams32MiBInVariedMessages_EchoAndTargetMatchSha256AndCloseIs1000(string peer)
    {
        var token = Loopback.Timeout(60);
        await using var target = new InteropTarget();
        var (relay, port) = await StartForwarderAsync(target.Port, token);
        await using var relayProcess = relay;
        await using var client = await Peers.StartClientAsync(peer, Url(port), "stream", StreamBytes.ToString(CultureInfo.InvariantCulture));

        var connection = await target.AcceptAsync(token);
        var sent = await client.CountAsync("sent", token);
        var received = await client.CountAsync("received", token);
        var closeCode = await client.CloseCodeAsync(token);
        var atTarget = await connection.EofAsync(token);

        Assert.Equal(StreamBytes, sent.Bytes);
        Assert.Equal(sent, received);
        Assert.Equal(sent, atTarget); // the target saw exactly the peer's bytes, then EOF
        Assert.Equal(1000, closeCode);
    }

    [Theory]
    [MemberData(nameof(AllClients))]
    public async Task Forwarder_PeerClosesWith4001_TargetSeesEofAndPeerGetsItsCodeEchoed(string peer)
    {
        var token = Loopback.Timeout(30);
        await using var target = new InteropTarget();
        var (relay, port) = await StartForwarderAsync(target.Port, token);
        await using var relayProcess = relay;
        await using var client = await Peers.StartClientAsync(peer, Url(port), "close", PeerCloseCode.ToString(CultureInfo.InvariantCulture));

        var connection = await target.AcceptAsync(token);
        var sent = await client.CountAsync("sent", token);
        Assert.Equal(sent, await client.CountAsync("received", token));
        Assert.Equal(sent, await connection.EofAsync(token)); // the Close became the target's EOF, after the bytes
        Assert.Equal(PeerCloseCode, await client.CloseCodeAsync(token));
        await relay.WaitForOutputAsync($"closed by the peer with {PeerCloseCode}", token);
    }

    [Theory]
    [InlineData(Peers.Node)]
    [InlineData(Peers.Python)]
    [InlineData(Peers.Chromium)] // .NET: ClientWebSocketForwarderTests.TargetCloses_AfterSendingBytes_ClientGetsBytesThenClose1000
    public async Task Forwarder_TargetCloses_PeerGetsClose1000(string peer)
    {
        var token = Loopback.Timeout(30);
        await using var target = new InteropTarget();
        var (relay, port) = await StartForwarderAsync(target.Port, token);
        await using var relayProcess = relay;
        await using var client = await Peers.StartClientAsync(peer, Url(port), "wait");

        var connection = await target.AcceptAsync(token);
        await client.ExpectAsync("open", token);
        connection.ShutdownSend();

        Assert.Equal(1000, await client.CloseCodeAsync(token));
        Assert.Equal(0, (await connection.EofAsync(token)).Bytes); // after the close handshake the relay ends the target connection
    }

    [Theory]
    [MemberData(nameof(PingingClients))]
    public async Task Forwarder_PeerPings_RelayAnswersPongWithSamePayload(string peer)
    {
        var token = Loopback.Timeout(30);
        await using var target = new InteropTarget();
        var (relay, port) = await StartForwarderAsync(target.Port, token);
        await using var relayProcess = relay;
        await using var client = await Peers.StartClientAsync(peer, Url(port), "ping");

        var pong = await client.ExpectAsync("pong", token);

        Assert.Equal(InteropPeer.PingPayloadHex, pong[0]);
        Assert.Equal(1000, await client.CloseCodeAsync(token));
    }

    [Theory]
    [MemberData(nameof(AllClients))]
    public async Task Forwarder_RelayPingsIdlePeer_PeerAnswersPongsThenClosesWith1000(string peer)
    {
        var token = Loopback.Timeout(30);
        await using var target = new InteropTarget();
        var (relay, port) = await StartForwarderAsync(target.Port, token, "--ping-interval", "0.2", "--ping-timeout", "5");
        await using var relayProcess = relay;
        await using var tap = new FrameTap(port);
        await using var client = await Peers.StartClientAsync(peer, Url(tap.Port), "wait");

        var connection = await target.AcceptAsync(token);
        await client.ExpectAsync("open", token);
        await tap.WaitToServerAsync(opcode: 0xA, count: 3, token);

        Assert.True(tap.ToClient(0x9) >= 3, $"{tap.ToClient(0x9)} pings for {tap.ToServer(0xA)} pongs");
        connection.ShutdownSend();
        Assert.Equal(1000, await client.CloseCodeAsync(token));
        await relay.WaitForOutputAsync("closed normally", token); // not ended by the ping timeout
    }
}
