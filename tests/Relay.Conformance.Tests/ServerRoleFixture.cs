using System.Net;
using System.Net.Sockets;
using Relay.Core.Handshake;
using Relay.Testing;

namespace Relay.Conformance.Tests;

/// <summary>
/// Relay in the server role: <c>relay ws-l:127.0.0.1:P tcp:127.0.0.1:T</c>, where T is a listener this fixture owns,
/// so a case sees exactly which bytes reached the target. The test's peer is a raw client that masks its frames.
/// </summary>
public sealed class ServerRoleFixture : RelayFixture
{
    private readonly Socket _target = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public ServerRoleFixture()
    {
        _target.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _target.Listen(64);
    }

    public override bool PeerIsClient => true;

    /// <summary>The forwarder's WebSocket port.</summary>
    public int Port { get; private set; }

    public int TargetPort => ((IPEndPoint)_target.LocalEndPoint!).Port;

    protected override Task<RelayProcess> StartRelayAsync(CancellationToken cancellationToken)
    {
        Port = Loopback.FreePort();
        return RelayBinary.StartListeningAsync(cancellationToken, [.. CommonArguments, $"ws-l:127.0.0.1:{Port}", $"tcp:127.0.0.1:{TargetPort}"]);
    }

    /// <summary>The next connection the forwarder opened to the target (it dials before it answers 101).</summary>
    public async Task<Socket> AcceptTargetAsync(CancellationToken cancellationToken)
    {
        var socket = await _target.AcceptAsync(cancellationToken);
        socket.NoDelay = true;
        return socket;
    }

    public override async Task<ConformanceSession> OpenSessionAsync(CancellationToken cancellationToken)
    {
        var key = WebSocketAccept.NewKey();
        var client = await HttpExchange.ConnectAsync(Port, cancellationToken);
        try
        {
            await client.SendAllAsync(HttpExchange.UpgradeRequest(key), cancellationToken);
            var head = await HttpExchange.ReadHeadAsync(client, cancellationToken);
            Assert.StartsWith("HTTP/1.1 101 ", head, StringComparison.Ordinal);
            Assert.Contains($"\r\nSec-WebSocket-Accept: {WebSocketAccept.Compute(key)}\r\n", head, StringComparison.OrdinalIgnoreCase);
            var target = await AcceptTargetAsync(cancellationToken);
            return new ConformanceSession(new RawWebSocketPeer(client, isClient: true), target, cancellationToken);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _target.Dispose();
    }
}
