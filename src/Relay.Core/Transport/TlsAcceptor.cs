using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Relay.Core.Transport;

/// <summary>The server side of TLS on an accepted socket, for <c>wss://</c> listeners.</summary>
public static class TlsAcceptor
{
    private static readonly List<SslApplicationProtocol> s_http11 = [SslApplicationProtocol.Http11];

    /// <summary>
    /// Runs the TLS handshake on <paramref name="accepted"/> with the certificate <paramref name="certificate"/> holds
    /// at this moment (reloaded first if its files changed): TLS 1.2 or 1.3 as the system allows, ALPN http/1.1 (the
    /// WebSocket upgrade that follows is HTTP/1.1), no client certificate. Bound it with
    /// <paramref name="cancellationToken"/> (the handshake timeout): a client that stalls mid-handshake holds a socket.
    /// </summary>
    /// <returns>The decrypted byte stream; it owns <paramref name="accepted"/> from here.</returns>
    /// <exception cref="AuthenticationException">The handshake failed (no common protocol or cipher, a bad record).</exception>
    /// <exception cref="IOException">The client reset or closed the connection during the handshake.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first.</exception>
    /// <remarks>On every failure the stream and <paramref name="accepted"/> are disposed before the exception leaves.</remarks>
    public static async Task<ByteEndpoint> AuthenticateAsync(Socket accepted, PemCertificateSource certificate, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(new NetworkStream(accepted, ownsSocket: false), leaveInnerStreamOpen: false);
        var endpoint = new StreamEndpoint(ssl, ssl, zeroByteReads: true, accepted);
        try
        {
            var options = new SslServerAuthenticationOptions
            {
                ServerCertificateContext = certificate.Current,
                ApplicationProtocols = s_http11,
                EnabledSslProtocols = SslProtocols.None, // the system's choice: TLS 1.2 and 1.3
                ClientCertificateRequired = false,
                CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
            };
            await ssl.AuthenticateAsServerAsync(options, cancellationToken).ConfigureAwait(false);
            return endpoint;
        }
        catch
        {
            await endpoint.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
