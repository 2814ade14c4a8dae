using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Relay.Core.Hosting;
using Relay.Core.Relaying;
using Relay.Core.Transport;
using Relay.Testing;

namespace Relay.Core.Tests.Hosting;

/// <summary>TCP_NODELAY on both of a session's sockets, set once where each is made.</summary>
public sealed class NoDelayTests
{
    [Fact]
    public async Task Listener_AcceptedSocket_HasNoDelayBeforeTheTlsHandshake()
    {
        var token = Loopback.Timeout();
        using var listening = ListenSockets.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var seen = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The wss path hands the accepted socket to TLS; this stand-in records what it was given and refuses.
        Task<ByteEndpoint> Tls(Socket accepted, CancellationToken cancellationToken)
        {
            seen.TrySetResult(accepted.NoDelay);
            throw new IOException("test: no TLS here");
        }

        await using var forwarder = new WebSocketForwarder(listening, ServerPolicy.Forward(Target.Echo), new RelayOptions(),
            WebSocketForwarder.DefaultHandshakeTimeout, NullLogger.Instance, Tls);
        using var stop = new CancellationTokenSource();
        var running = forwarder.RunAsync(stop.Token);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listening.LocalEndPoint!, token);

        Assert.True(await seen.Task.WaitAsync(token));
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task Target_DialedSocket_HasNoDelay()
    {
        var token = Loopback.Timeout();
        using var listening = ListenSockets.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        await using var endpoint = await Target.Tcp("127.0.0.1", ((IPEndPoint)listening.LocalEndPoint!).Port).ConnectAsync(token);
        using var accepted = await listening.AcceptAsync(token);

        Assert.True(Assert.IsType<SocketEndpoint>(endpoint).Socket.NoDelay);
    }
}
