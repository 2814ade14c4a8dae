using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;
using Relay.Core.Diagnostics;
using Relay.Core.Framing;
using Relay.Core.Handshake;
using Relay.Core.Relaying;
using Relay.Core.Transport;

namespace Relay.Core.Hosting;

/// <summary>
/// A WebSocket listener (ws-l:HOST:PORT, or one `--listen` of relay serve): accepts WebSocket clients, applies the
/// server's policy (route, token, origin, session cap) and relays each to a fresh connection to its route's target.
/// The target is dialled before the 101 goes out, so a dead target is a 502 the client can read.
/// </summary>
public sealed class WebSocketForwarder : RelayListener
{
    private readonly ServerPolicy _policy;
    private readonly TimeSpan _handshakeTimeout;
    private readonly Func<Socket, CancellationToken, Task<ByteEndpoint>>? _tls;

    /// <summary>The websocat-style forwarder: every path to <paramref name="target"/>.</summary>
    public WebSocketForwarder(EndPoint listen, Target target, RelayOptions relay, TimeSpan handshakeTimeout, ILogger logger)
        : base(listen, relay, logger)
    {
        _policy = ServerPolicy.Forward(target);
        _handshakeTimeout = handshakeTimeout;
        SessionLog.Listening(logger, "ws", LocalEndPoint, target);
    }

    /// <summary>
    /// One listener of a server, on a socket that is already listening. With <paramref name="tls"/> (wss) each accepted
    /// connection is authenticated by it first, within the handshake timeout.
    /// </summary>
    public WebSocketForwarder(Socket listening, ServerPolicy policy, RelayOptions relay, TimeSpan handshakeTimeout, ILogger logger, Func<Socket, CancellationToken, Task<ByteEndpoint>>? tls = null)
        : base(listening, relay, logger)
    {
        _policy = policy;
        _handshakeTimeout = handshakeTimeout;
        _tls = tls;
        SessionLog.Listening(logger, tls is null ? "ws" : "wss", LocalEndPoint, policy.DefaultTarget is { } target ? target : $"{policy.Routes.Count} routes");
    }

    /// <summary>Default bound on receiving the upgrade request and dialling the target.</summary>
    public static readonly TimeSpan DefaultHandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Refusals (each logged at most this often, see <see cref="RefusalLog"/>).</summary>
    public RefusalLog Refusals { get; init; } = RefusalLog.Shared;

    protected override async Task<SessionStart?> AcceptAsync(Socket client, long id, bool admitted, CancellationToken stopping)
    {
        var remote = client.RemoteEndPoint?.ToString() ?? "?";
        using var handshake = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        handshake.CancelAfter(_handshakeTimeout);
        ByteEndpoint webSocket;
        if (_tls is null)
        {
            webSocket = new SocketEndpoint(client);
        }
        else
        {
            // The ServerHello's key exchange and signature cost about a millisecond: off the accept loop with them.
            await Task.Yield();
            try
            {
                webSocket = await _tls(client, handshake.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AuthenticationException or IOException or SocketException or OperationCanceledException)
            {
                client.Dispose();
                RelayMetrics.HandshakeFailures.Add(1, new KeyValuePair<string, object?>("status", "tls"));
                Refusals.TlsFailed(Logger, id, remote, ex.Message);
                return null;
            }
        }

        try
        {
            var (request, prefix, failure) = await ReadRequestAsync(webSocket, handshake.Token).ConfigureAwait(false);
            Target? target = null;
            var route = "-";
            if (failure == HandshakeFailure.None)
            {
                failure = IsDraining ? HandshakeFailure.Draining
                    : !admitted ? HandshakeFailure.AtCapacity
                    : _policy.Check(request!, out target, out route);
            }

            if (failure != HandshakeFailure.None)
            {
                await RefuseAsync(webSocket, id, remote, failure).ConfigureAwait(false);
                await webSocket.DisposeAsync().ConfigureAwait(false);
                return null;
            }

            ByteEndpoint bytes;
            try
            {
                bytes = await target!.ConnectAsync(handshake.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                Refusals.TargetUnreachable(Logger, id, target!.ToString(), ex.Message);
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
                await bytes.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            return new SessionStart(webSocket, WebSocketRole.Server, bytes, prefix, remote, request.Path, route);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException)
        {
            // The client vanished or stalled during the upgrade, or the relay is stopping: nothing to answer.
            await webSocket.DisposeAsync().ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>Reads until a whole request head is in, a limit is broken, or the handshake timeout fires (408).</summary>
    private static async Task<(UpgradeRequest? Request, ReadOnlyMemory<byte> Prefix, HandshakeFailure Failure)> ReadRequestAsync(ByteEndpoint client, CancellationToken token)
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

    private async Task RefuseAsync(ByteEndpoint client, long id, string remote, HandshakeFailure failure)
    {
        var (status, _, body) = HttpRefusal.Describe(failure);
        RelayMetrics.HandshakeFailures.Add(1, new KeyValuePair<string, object?>("status", status));
        Refusals.Refused(Logger, id, remote, status, body);
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
