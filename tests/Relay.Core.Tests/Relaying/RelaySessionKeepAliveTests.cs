using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using Relay.Core.Framing;
using Relay.Core.Relaying;
using Relay.Core.Transport;
using Relay.Testing;

namespace Relay.Core.Tests.Relaying;

/// <summary>Idle-aware keepalive on a fake clock: pings after silence only, timeouts only for pings that left.</summary>
public sealed class RelaySessionKeepAliveTests
{
    [Fact]
    public async Task KeepAlive_SilentPeer_GetsPingOnlyAfterIntervalWithoutInboundTraffic()
    {
        var token = Loopback.Timeout();
        var time = new FakeTimeProvider();
        await using var h = await PumpHarness.StartAsync(new RelayOptions { PingInterval = TimeSpan.FromSeconds(10), TimeProvider = time });

        time.Advance(TimeSpan.FromSeconds(6));
        await h.Peer.SendFrameAsync(Opcode.Binary, "x"u8, cancellationToken: token);
        Assert.Equal("x"u8.ToArray(), await h.Target.ReadExactlyAsync(1, token)); // the relay has read it: life seen

        // 12 s since start but only 6 s since the last inbound frame: no ping yet. A ping from the peer is
        // answered at once, so if the relay had pinged, its Ping would arrive before this Pong.
        time.Advance(TimeSpan.FromSeconds(6));
        await h.Peer.SendFrameAsync(Opcode.Ping, "probe"u8, cancellationToken: token);
        var first = await h.Peer.ReadFrameAsync(token);
        Assert.Equal(Opcode.Pong, first!.Opcode);

        // The Ping counted as inbound traffic; 10 s of silence after it, the relay pings.
        time.Advance(TimeSpan.FromSeconds(11));
        var ping = await h.Peer.ReadFrameAsync(token);
        Assert.Equal(Opcode.Ping, ping!.Opcode);
        Assert.True(ping.Fin);
    }

    [Fact]
    public async Task KeepAlive_PeerThatNeverAnswers_IsEndedAfterPingTimeout()
    {
        var token = Loopback.Timeout();
        var time = new FakeTimeProvider();
        await using var h = await PumpHarness.StartAsync(new RelayOptions { PingInterval = TimeSpan.FromSeconds(10), PingTimeout = TimeSpan.FromSeconds(5), TimeProvider = time });

        time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(Opcode.Ping, (await h.Peer.ReadFrameAsync(token))!.Opcode);
        time.Advance(TimeSpan.FromSeconds(6));

        var result = await h.EndAsync();
        Assert.Equal(SessionEnding.PingTimeout, result.Ending);
        Assert.Empty(await h.Target.ReadToEndAsyncOrReset(token));
    }

    [Fact]
    public async Task KeepAlive_PingQueuedBehindBulkData_IsNotCountedAsLost()
    {
        var token = Loopback.Timeout();
        var time = new FakeTimeProvider();
        var options = new RelayOptions { PingInterval = TimeSpan.FromSeconds(10), PingTimeout = TimeSpan.FromSeconds(5), TimeProvider = time };
        var (relayWs, peerWs) = await Loopback.CreatePairAsync();
        var (relayBytes, target) = await Loopback.CreatePairAsync();
        var gated = new GatedEndpoint(new SocketEndpoint(relayWs));
        gated.Close();
        var session = RelaySession.RunAsync(gated, WebSocketRole.Server, new SocketEndpoint(relayBytes), ReadOnlyMemory<byte>.Empty, options, token);
        await using var peer = new RawWebSocketPeer(peerWs, isClient: true);
        using var _ = target;

        // Bulk data is stuck on its way to the peer (the gate stands for a congested link)...
        await target.SendAllAsync(new byte[60_000], token);
        await gated.WriteWaiting.WaitAsync(token);

        // ...so the ping the timer wants to send waits behind it. Time passes far beyond interval + timeout.
        time.Advance(TimeSpan.FromSeconds(11));
        time.Advance(TimeSpan.FromSeconds(6));
        time.Advance(TimeSpan.FromSeconds(30));

        // The link clears: the data, then the ping, reach the peer, which answers and is alive.
        gated.Open();
        Assert.Equal(60_000, (await peer.ReadDataAsync(60_000, token)).Length);
        Assert.Equal(Opcode.Ping, (await peer.ReadFrameAsync(token))!.Opcode);
        await peer.SendFrameAsync(Opcode.Pong, ReadOnlySpan<byte>.Empty, cancellationToken: token);
        await peer.SendFrameAsync(Opcode.Binary, "alive"u8, cancellationToken: token);
        Assert.Equal("alive"u8.ToArray(), await target.ReadExactlyAsync(5, token));
        time.Advance(TimeSpan.FromSeconds(6));

        // Still a normal session: it ends by the close handshake, not by the ping timeout.
        await peer.SendCloseAsync(CloseStatus.NormalClosure, cancellationToken: token);
        Assert.Empty(await target.ReadToEndAsync(token));
        target.Shutdown(SocketShutdown.Send);
        Assert.Equal(CloseStatus.NormalClosure, (await peer.ReadFrameAsync(token))!.CloseCode);
        Assert.Equal(SessionEnding.Normal, (await session.WaitAsync(token)).Ending);
    }
}
