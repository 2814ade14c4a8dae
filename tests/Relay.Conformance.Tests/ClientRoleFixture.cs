using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Relay.Core.Handshake;
using Relay.Testing;

namespace Relay.Conformance.Tests;

/// <summary>
/// Relay in the client role: <c>relay tcp-l:127.0.0.1:P ws://127.0.0.1:S/conformance</c>, where S is a raw-socket
/// WebSocket server this fixture owns. It answers each upgrade by hand; then the case sends crafted, unmasked frames
/// and sees what relay writes to its TCP side and the (masked) frames relay sends back.
/// </summary>
public sealed partial class ClientRoleFixture : RelayFixture
{
    private readonly Socket _server = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public ClientRoleFixture()
    {
        _server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _server.Listen(64);
    }

    public override bool PeerIsClient => false;

    /// <summary>The local port forwarder's TCP port.</summary>
    public int Port { get; private set; }

    private int ServerPort => ((IPEndPoint)_server.LocalEndPoint!).Port;

    protected override Task<RelayProcess> StartRelayAsync(CancellationToken cancellationToken)
    {
        Port = Loopback.FreePort();
        return RelayBinary.StartListeningAsync(cancellationToken, [.. CommonArguments, $"tcp-l:127.0.0.1:{Port}", $"ws://127.0.0.1:{ServerPort}/conformance"]);
    }

    public override async Task<ConformanceSession> OpenSessionAsync(CancellationToken cancellationToken)
    {
        var (client, server, key) = await AcceptUpgradeAsync(cancellationToken);
        try
        {
            await server.SendAllAsync(HttpExchange.SwitchingProtocols(key), cancellationToken);
            return new ConformanceSession(new RawWebSocketPeer(server, isClient: false), client, cancellationToken);
        }
        catch
        {
            client.Dispose();
            server.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Connects a TCP client to the port forwarder and accepts the WebSocket connection relay opens for it; checks the
    /// upgrade request and returns its key, leaving the answer to the caller.
    /// </summary>
    public async Task<(Socket Client, Socket Server, string Key)> AcceptUpgradeAsync(CancellationToken cancellationToken)
    {
        var client = await HttpExchange.ConnectAsync(Port, cancellationToken);
        Socket? server = null;
        try
        {
            server = await _server.AcceptAsync(cancellationToken);
            server.NoDelay = true;
            var head = await HttpExchange.ReadHeadAsync(server, cancellationToken);
            Assert.StartsWith("GET /conformance HTTP/1.1\r\n", head, StringComparison.Ordinal);
            Assert.Contains("\r\nSec-WebSocket-Version: 13\r\n", head, StringComparison.Ordinal);
            var key = KeyHeader().Match(head).Groups[1].Value;
            Assert.True(WebSocketAccept.IsValidKey(key), $"relay sent an invalid Sec-WebSocket-Key: {head}");
            return (client, server, key);
        }
        catch
        {
            client.Dispose();
            server?.Dispose();
            throw;
        }
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _server.Dispose();
    }

    [GeneratedRegex(@"\r\nSec-WebSocket-Key: *([^\r]*)\r\n", RegexOptions.IgnoreCase)]
    private static partial Regex KeyHeader();
}
