using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Relay.Core.Diagnostics;
using Relay.Core.Framing;
using Relay.Core.Handshake;
using Relay.Core.Relaying;
using Relay.Core.Transport;

namespace Relay.Core.Hosting;

/// <summary>
/// ws-l:HOST:PORT → target: accepts WebSocket clients on any path and relays each to a fresh connection to the
/// target. The target is dialled before the 101 goes out, so a dead target is a 502 the client can read.
/// </summary>
public sealed class WebSocketForwarder : RelayListener
{
    private readonly Target _target;
    private readonly TimeSpan _handshakeTimeout;

    public WebSocketForwarder(EndPoint listen, Target target, RelayOptions relay, TimeSpan handshakeTimeout, ILogger logger)
        : base(listen, relay, logger)
    {
        _target = target;
        _handshakeTimeout = handshakeTimeout;
        SessionLog.Listening(logger, "ws", LocalEndPoint, target);
    }

    /// <summary>Default bound on receiving the upgrade request and dialling the target.</summary>
    public static readonly TimeSpan DefaultHandshakeTimeout = TimeSpan.FromSeconds(10);

    protected override async Task<SessionStart?> AcceptAsync(Socket client, long id, CancellationToken stopping)
    {
        var webSocket = new SocketEndpoint(client);
        var remote = webSocket.RemoteEndPoint?.ToString() ?? "?";
        try
        {
            using var handshake = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            handshake.CancelAfter(_handshakeTimeout);
            var (request, prefix, failure) = await ReadRequestAsync(webSocket, handshake.Token).ConfigureAwait(false);
            if (failure != HandshakeFailure.None)
            {
                await RefuseAsync(webSocket, id, remote, failure).ConfigureAwait(false);
                await webSocket.DisposeAsync().ConfigureAwait(false);
                return null;
            }

            ByteEndpoint target;
            try
            {
                target = await _target.ConnectAsync(handshake.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                SessionLog.TargetUnreachable(Logger, id, _target.ToString(), ex.Message);
                await RefuseAsync(webSocket, id, remote, HandshakeFailure.TargetUnreachable).ConfigureAwait(false);
                await webSocket.DisposeAsync().ConfigureAwait(false);
                return null;
            }

            try
            {
                await webSocket.WriteAsync(UpgradeResponseWriter.Build(request!.Key, protocol: null), handshake.Token).ConfigureAwait(false);
            }
            catch
            {
                await target.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            return new SessionStart(webSocket, WebSocketRole.Server, target, prefix, remote, request.Path);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException)
        {
            // The client vanished or stalled during the upgrade, or the relay is stopping: nothing to answer.
            await webSocket.DisposeAsync().ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>Reads until a whole request head is in, a limit is broken, or the handshake timeout fires (408).</summary>
    private static async Task<(UpgradeRequest? Request, ReadOnlyMemory<byte> Prefix, HandshakeFailure Failure)> ReadRequestAsync(SocketEndpoint client, CancellationToken token)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(UpgradeRequestParser.MaxHeadLength + 1024);
        try
        {
            var filled = 0;
            while (true)
            {
                int read;
                try
                {
                    read = await client.ReadAsync(buffer.AsMemory(filled), token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return (null, default, HandshakeFailure.Timeout);
                }

                if (read == 0)
                {
                    throw new IOException("client closed during the upgrade");
                }

                filled += read;
                if (UpgradeRequestParser.TryParse(buffer.AsSpan(0, filled), out var request, out var failure, out var consumed))
                {
                    return (request, buffer.AsMemory(consumed, filled - consumed).ToArray(), failure);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task RefuseAsync(SocketEndpoint client, long id, string remote, HandshakeFailure failure)
    {
        var (status, _, body) = HttpRefusal.Describe(failure);
        RelayMetrics.HandshakeFailures.Add(1, new KeyValuePair<string, object?>("status", status));
        SessionLog.HandshakeRefused(Logger, id, remote, status, body);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await client.WriteAsync(HttpRefusal.Build(failure), timeout.Token).ConfigureAwait(false);
            await client.ShutdownSendAsync().ConfigureAwait(false);

            // Drain briefly so closing with unread input does not reset the connection before the answer is read.
            var sink = ArrayPool<byte>.Shared.Rent(4096);
            try
            {
                while (await client.ReadAsync(sink, timeout.Token).ConfigureAwait(false) > 0)
                {
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(sink);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException)
        {
        }
    }
}
