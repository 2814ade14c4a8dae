using System.Net.Sockets;
using Relay.Core.Framing;
using Relay.Core.Relaying;
using Relay.Core.Transport;
using Relay.Testing;

namespace Relay.Core.Tests.Relaying;

/// <summary>
/// A session between two real loopback connections: <see cref="Peer"/> is the WebSocket peer (raw frames),
/// <see cref="Target"/> is the plain TCP peer. The relay runs in-process on a tracking buffer pool.
/// </summary>
internal sealed class PumpHarness : IAsyncDisposable
{
    private PumpHarness(RawWebSocketPeer peer, Socket target, Task<SessionResult> session, TrackingArrayPool pool)
    {
        Peer = peer;
        Target = target;
        Session = session;
        Pool = pool;
    }

    public RawWebSocketPeer Peer { get; }

    public Socket Target { get; }

    public Task<SessionResult> Session { get; }

    public TrackingArrayPool Pool { get; }

    /// <param name="role">The relay's role on the WebSocket; the peer plays the other one.</param>
    public static async Task<PumpHarness> StartAsync(
        RelayOptions? options = null,
        WebSocketRole role = WebSocketRole.Server,
        byte[]? prefix = null,
        CancellationToken stopping = default)
    {
        var pool = new TrackingArrayPool();
        options = (options ?? new RelayOptions { PingInterval = TimeSpan.Zero }) with { BufferPool = pool };
        var (relayWs, peerWs) = await Loopback.CreatePairAsync();
        var (relayBytes, target) = await Loopback.CreatePairAsync();
        var session = RelaySession.RunAsync(new SocketEndpoint(relayWs), role, new SocketEndpoint(relayBytes), prefix ?? ReadOnlyMemory<byte>.Empty, options, stopping);
        return new PumpHarness(new RawWebSocketPeer(peerWs, isClient: role == WebSocketRole.Server), target, session, pool);
    }

    /// <summary>Waits for the session result, bounded.</summary>
    public Task<SessionResult> EndAsync(double seconds = 10) => Session.WaitAsync(TimeSpan.FromSeconds(seconds));

    /// <summary>Asserts the pool saw no double or foreign return and that every buffer came back.</summary>
    public void AssertBuffersReturned()
    {
        Assert.Empty(Pool.Errors);
        Assert.Equal(0, Pool.Outstanding);
    }

    public async ValueTask DisposeAsync()
    {
        await Peer.DisposeAsync();
        Target.Dispose();
        try
        {
            await Session.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
        }
    }
}
