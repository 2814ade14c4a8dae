using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Relay.Core.Diagnostics;
using Relay.Core.Framing;
using Relay.Core.Relaying;
using Relay.Core.Transport;

namespace Relay.Core.Hosting;

/// <summary>tcp-l:HOST:PORT → ws[s]://…: each accepted TCP connection gets its own WebSocket client connection.</summary>
public sealed class TcpForwarder : RelayListener
{
    private readonly Uri _uri;
    private readonly ClientOptions _client;
    private readonly RelayOptions _relay;

    public TcpForwarder(EndPoint listen, Uri uri, ClientOptions client, RelayOptions relay, ILogger logger)
        : base(listen, logger)
    {
        _uri = uri;
        _client = client;
        _relay = relay;
        SessionLog.Listening(logger, "tcp", LocalEndPoint, uri);
    }

    protected override async Task HandleAsync(Socket client, long id, CancellationToken stopping)
    {
        var tcp = new SocketEndpoint(client);
        var remote = tcp.RemoteEndPoint?.ToString() ?? "?";
        ByteEndpoint webSocket;
        ReadOnlyMemory<byte> prefix;
        try
        {
            (webSocket, prefix) = await WebSocketConnector.ConnectAsync(_uri, _client, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketConnectException or OperationCanceledException)
        {
            SessionLog.ClientConnectFailed(Logger, id, _uri.ToString(), ex.Message);
            tcp.Abort();
            return;
        }

        await RelayAsync(id, remote, _uri.AbsolutePath, webSocket, WebSocketRole.Client, tcp, prefix, _relay, stopping).ConfigureAwait(false);
    }
}
