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

    public TcpForwarder(EndPoint listen, Uri uri, ClientOptions client, RelayOptions relay, ILogger logger)
        : base(listen, relay, logger)
    {
        _uri = uri;
        _client = client;
        SessionLog.Listening(logger, "tcp", LocalEndPoint, uri);
    }

    protected override async Task<SessionStart?> AcceptAsync(Socket client, long id, bool admitted, CancellationToken stopping)
    {
        var tcp = new SocketEndpoint(client);
        var remote = tcp.RemoteEndPoint?.ToString() ?? "?";
        try
        {
            var (webSocket, prefix) = await WebSocketConnector.ConnectAsync(_uri, _client, stopping).ConfigureAwait(false);
            return new SessionStart(webSocket, WebSocketRole.Client, tcp, prefix, remote, _uri.AbsolutePath);
        }
        catch (Exception ex) when (ex is WebSocketConnectException or OperationCanceledException)
        {
            SessionLog.ClientConnectFailed(Logger, id, _uri.ToString(), ex.Message);
            tcp.Abort();
            return null;
        }
    }
}
