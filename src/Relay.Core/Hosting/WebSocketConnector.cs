using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Relay.Core.Handshake;
using Relay.Core.Transport;

namespace Relay.Core.Hosting;

/// <summary>
/// Opens a client WebSocket: TCP (TCP_NODELAY), TLS for wss:// (SNI, the system trust store, which on Linux honours
/// SSL_CERT_FILE and SSL_CERT_DIR), then the RFC 6455 upgrade. Returns the connection and any bytes the server sent
/// right behind its 101, which belong to the session.
/// </summary>
public static class WebSocketConnector
{
    public static async Task<(ByteEndpoint Endpoint, ReadOnlyMemory<byte> Prefix)> ConnectAsync(Uri uri, ClientOptions options, CancellationToken cancellationToken)
    {
        var secure = uri.Scheme == "wss";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var token = timeout.Token;
        var port = uri.IsDefaultPort || uri.Port < 0 ? (secure ? 443 : 80) : uri.Port;
        var host = uri.IdnHost;
        Socket? socket = null;
        ByteEndpoint? endpoint = null;
        try
        {
            try
            {
                socket = await TcpDialer.ConnectAsync(host, port, options.LocalAddress, token).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                throw new WebSocketConnectException(Describe(ex), null, ex);
            }

            if (secure)
            {
                var ssl = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
                endpoint = new StreamEndpoint(ssl, ssl, zeroByteReads: true, socket);
                var tls = new SslClientAuthenticationOptions
                {
                    TargetHost = host,
                    EnabledSslProtocols = SslProtocols.None, // the system's choice: TLS 1.2 and 1.3
                };
                if (options.Insecure)
                {
#pragma warning disable CA5359 // -k/--insecure asks for exactly this, and the CLI says so on stderr.
                    tls.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
                }

                try
                {
                    await ssl.AuthenticateAsClientAsync(tls, token).ConfigureAwait(false);
                }
                catch (AuthenticationException ex)
                {
                    throw new WebSocketConnectException($"TLS handshake failed: {ex.Message} (use -k to skip certificate checks)", null, ex);
                }
            }
            else
            {
                endpoint = new SocketEndpoint(socket);
            }

            var prefix = await UpgradeAsync(endpoint, uri, options, token).ConfigureAwait(false);
            var result = (endpoint, prefix);
            endpoint = null; // the caller owns it, and the socket under it, from here
            socket = null;
            return result;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new WebSocketConnectException($"timed out after {options.ConnectTimeout.TotalSeconds:0} s");
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            throw new WebSocketConnectException(ex is SocketException s ? Describe(s) : $"connection failed: {ex.Message}", null, ex);
        }
        finally
        {
            // Whatever was opened and not handed to the caller: the endpoint owns the socket once it exists.
            if (endpoint is not null)
            {
                await endpoint.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                socket?.Dispose();
            }
        }
    }

    private static async Task<ReadOnlyMemory<byte>> UpgradeAsync(ByteEndpoint endpoint, Uri uri, ClientOptions options, CancellationToken token)
    {
        var key = WebSocketAccept.NewKey();
        await endpoint.WriteAsync(ClientHandshake.BuildRequest(uri, key, options.Headers, options.Protocol, options.Origin), token).ConfigureAwait(false);
        var buffer = new byte[ClientHandshake.MaxResponseHeadLength];
        var filled = 0;
        while (true)
        {
            var read = await endpoint.ReadAsync(buffer.AsMemory(filled), token).ConfigureAwait(false);
            if (read == 0)
            {
                throw new WebSocketConnectException("the server closed the connection during the upgrade");
            }

            filled += read;
            var end = HttpHead.FindEnd(buffer.AsSpan(0, filled));
            if (end < 0)
            {
                if (filled == buffer.Length)
                {
                    throw new WebSocketConnectException("the server's upgrade response is too large");
                }

                continue;
            }

            var head = HttpHead.TryParse(buffer.AsSpan(0, end)) ?? throw new WebSocketConnectException("the server's upgrade response is not valid HTTP");
            var problem = ClientHandshake.Validate(head, key, options.Protocol);
            if (problem is not null)
            {
                _ = int.TryParse(head.Part2, out var status);
                throw new WebSocketConnectException(problem, status == 101 ? null : status);
            }

            return buffer.AsMemory(end, filled - end).ToArray();
        }
    }

    private static string Describe(SocketException ex) => ex.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host not found",
        SocketError.TimedOut => "connection timed out",
        SocketError.NetworkUnreachable or SocketError.HostUnreachable => "network unreachable",
        _ => ex.Message,
    };
}
