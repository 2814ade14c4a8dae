using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Relay.Core.Handshake;
using Relay.Core.Transport;

namespace Relay.Core.Hosting;

/// <summary>
/// Opens a client WebSocket: TCP (TCP_NODELAY), directly or through an HTTP CONNECT or SOCKS5 proxy; TLS for wss://
/// (SNI, the system trust store, which on Linux honours SSL_CERT_FILE and SSL_CERT_DIR, plus --ca-cert, and a client
/// certificate for mutual TLS); then the RFC 6455 upgrade. Returns the connection and any bytes the server sent right
/// behind its 101, which belong to the session. Every failure is a <see cref="WebSocketConnectException"/> whose
/// <see cref="WebSocketConnectException.Failure"/> names the step.
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
        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : uri.IdnHost;
        var step = ConnectFailure.Connect;
        var stepName = options.Proxy is null ? "connecting" : $"connecting through proxy {options.Proxy}";
        Socket? socket = null;
        ByteEndpoint? endpoint = null;
        TlsServerCertificateCheck? tlsCheck = null;
        try
        {
            socket = await DialAsync(host, port, options, token).ConfigureAwait(false);
            if (secure)
            {
                step = ConnectFailure.Tls;
                stepName = "in the TLS handshake";
                var ssl = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
                endpoint = new StreamEndpoint(ssl, ssl, zeroByteReads: true, socket);
                tlsCheck = await AuthenticateAsync(ssl, host, options, token).ConfigureAwait(false);
            }
            else
            {
                endpoint = new SocketEndpoint(socket);
            }

            step = ConnectFailure.Upgrade;
            stepName = "waiting for the upgrade response";
            var prefix = await UpgradeAsync(endpoint, uri, options, token).ConfigureAwait(false);
            var result = (endpoint, prefix);
            endpoint = null; // the caller owns it, and the socket under it, from here
            socket = null;
            return result;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Whatever step it stopped in, no WebSocket within --connect-timeout means "could not connect".
            throw new WebSocketConnectException(ConnectFailure.Connect, $"timed out after {options.ConnectTimeout.TotalSeconds:0.###} s {stepName} (--connect-timeout)");
        }
        catch (Exception ex) when (secure && ex is not WebSocketConnectException && FindAuthenticationException(ex) is { } tls)
        {
            // A server that refuses our client certificate says so with an alert after the handshake (TLS 1.3),
            // which surfaces on the first read of the upgrade response.
            throw new WebSocketConnectException(ConnectFailure.Tls, $"TLS: {tls.Message}", null, ex);
        }
        catch (Exception ex) when (ex is WebSocketConnectException { Failure: ConnectFailure.Upgrade, HttpStatus: null } or IOException
            && step == ConnectFailure.Upgrade && tlsCheck is { ClientCertificateRequested: true })
        {
            // TLS 1.3: the server asked for a certificate we did not have, then dropped us before any HTTP answer.
            throw new WebSocketConnectException(ConnectFailure.Tls, "TLS: the server asked for a client certificate and closed the connection; use --client-cert and --client-key", null, ex);
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            var what = ex is SocketException s ? SocketFailure.Describe(s) : ex.Message;
            throw new WebSocketConnectException(step, step switch
            {
                ConnectFailure.Tls => $"TLS: the connection failed during the handshake: {what}",
                ConnectFailure.Upgrade => $"the connection failed during the upgrade: {what}",
                _ => what,
            }, null, ex);
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

    /// <summary>One line for a refused upgrade: the status, and what it usually means from a Relay server.</summary>
    public static string DescribeRefusal(int status, string reason)
    {
        var line = $"{status} {reason}".TrimEnd();
        return status switch
        {
            502 => $"target unreachable: the server answered {line}",
            401 => $"upgrade refused: {line} (missing or wrong token)",
            403 => $"upgrade refused: {line} (token or origin not allowed)",
            404 => $"upgrade refused: {line} (no route for this path)",
            503 => $"upgrade refused: {line} (the server is at capacity or draining)",
            _ => $"upgrade refused: {line}",
        };
    }

    private static async Task<Socket> DialAsync(string host, int port, ClientOptions options, CancellationToken token)
    {
        if (options.Proxy is { } proxy)
        {
            try
            {
                return await ProxyTunnel.ConnectAsync(proxy, host, port, options.LocalAddress, token).ConfigureAwait(false);
            }
            catch (ProxyException ex)
            {
                throw new WebSocketConnectException(ConnectFailure.Connect, ex.Message, null, ex);
            }
        }

        try
        {
            return await TcpDialer.ConnectAsync(host, port, options.LocalAddress, token).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw new WebSocketConnectException(ConnectFailure.Connect, SocketFailure.Describe(ex), null, ex);
        }
    }

    private static async Task<TlsServerCertificateCheck> AuthenticateAsync(SslStream ssl, string host, ClientOptions options, CancellationToken token)
    {
        var check = new TlsServerCertificateCheck(options.TrustedCertificates, options.Insecure);
        var tls = new SslClientAuthenticationOptions
        {
            TargetHost = host,
            EnabledSslProtocols = SslProtocols.None, // the system's choice: TLS 1.2 and 1.3
            RemoteCertificateValidationCallback = check.Validate,
            ClientCertificateContext = options.ClientCertificate,
        };
        if (options.ClientCertificate is null)
        {
            tls.LocalCertificateSelectionCallback = check.SelectNoCertificate;
        }

        try
        {
            await ssl.AuthenticateAsClientAsync(tls, token).ConfigureAwait(false);
        }
        catch (AuthenticationException ex)
        {
            // "Authentication failed, see inner exception" says nothing: the inner one names the cause.
            var why = check.Rejected ? check.Describe() : ex.InnerException?.Message ?? ex.Message;
            throw new WebSocketConnectException(ConnectFailure.Tls, $"TLS: {why}", null, ex);
        }

        return check;
    }

    private static AuthenticationException? FindAuthenticationException(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is AuthenticationException authentication)
            {
                return authentication;
            }
        }

        return null;
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
                throw new WebSocketConnectException(ConnectFailure.Upgrade, "the server closed the connection during the upgrade");
            }

            filled += read;
            var end = HttpHead.FindEnd(buffer.AsSpan(0, filled));
            if (end < 0)
            {
                if (filled == buffer.Length)
                {
                    throw new WebSocketConnectException(ConnectFailure.Upgrade, "the server's upgrade response is too large");
                }

                continue;
            }

            var head = HttpHead.TryParse(buffer.AsSpan(0, end)) ?? throw new WebSocketConnectException(ConnectFailure.Upgrade, "the server's upgrade response is not valid HTTP");
            var problem = ClientHandshake.Validate(head, key, options.Protocol);
            if (problem is not null)
            {
                if (int.TryParse(head.Part2, out var status) && status != 101 && head.Part1.StartsWith("HTTP/1.", StringComparison.Ordinal))
                {
                    throw new WebSocketConnectException(ConnectFailure.Upgrade, DescribeRefusal(status, head.Part3), status);
                }

                throw new WebSocketConnectException(ConnectFailure.Upgrade, $"invalid upgrade response: {problem}");
            }

            return buffer.AsMemory(end, filled - end).ToArray();
        }
    }
}
