using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Relay.Core.Hosting;
using Relay.Core.Transport;
using Relay.Testing;

namespace Relay.Core.Tests.Transport;

public sealed class TlsAcceptorTests : IDisposable
{
    private readonly TestCertificateAuthority _authority = new();
    private readonly PemCertificateSourceTests.CollectingLogger _logger = new();

    [Fact]
    public async Task AuthenticateAsync_ClientTrustingTheCa_NegotiatesHttp11AndRelaysBytesBothWays()
    {
        var issued = _authority.IssueServer();
        using var source = new PemCertificateSource(issued.CertificatePemPath, issued.KeyPemPath, _logger);
        using var root = _authority.Certificate;
        var timeout = Loopback.Timeout(10);
        using var listener = ListenSockets.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!, timeout);
        var server = TlsAcceptor.AuthenticateAsync(await listener.AcceptAsync(timeout), source, timeout);
        await using var ssl = new SslStream(new NetworkStream(client, ownsSocket: false));

        await ssl.AuthenticateAsClientAsync(PemCertificateSourceTests.TrustingOnly(root), timeout);
        await using var endpoint = await server;

        Assert.Equal(SslApplicationProtocol.Http11, ssl.NegotiatedApplicationProtocol);
        Assert.True(ssl.SslProtocol is SslProtocols.Tls12 or SslProtocols.Tls13, ssl.SslProtocol.ToString());
        Assert.Equal(issued.Thumbprint, ssl.RemoteCertificate!.GetCertHashString());
        Assert.True(endpoint.SupportsZeroByteReads);

        await endpoint.WriteAsync("to client"u8.ToArray(), timeout);
        var buffer = new byte[64];
        Assert.Equal("to client", Encoding.ASCII.GetString(buffer, 0, await ssl.ReadAsync(buffer, timeout)));
        await ssl.WriteAsync("to server"u8.ToArray(), timeout);
        await endpoint.WaitForDataAsync(timeout); // SslStream's zero-byte read: returns (0) once a record is in
        Assert.Equal("to server", Encoding.ASCII.GetString(buffer, 0, await endpoint.ReadAsync(buffer, timeout)));

        // close_notify then FIN: the client reads EOF.
        await endpoint.ShutdownSendAsync();
        Assert.Equal(0, await ssl.ReadAsync(buffer, timeout));
    }

    [Fact]
    public async Task AuthenticateAsync_PlainHttpInsteadOfTls_ThrowsAndClosesTheSocket()
    {
        var issued = _authority.IssueServer();
        using var source = new PemCertificateSource(issued.CertificatePemPath, issued.KeyPemPath, _logger);
        var timeout = Loopback.Timeout(10);
        var (client, accepted) = await Loopback.CreatePairAsync();
        using var _ = client;
        var server = TlsAcceptor.AuthenticateAsync(accepted, source, timeout);

        await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), timeout);

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => server);
        Assert.True(ex is AuthenticationException or IOException, ex.ToString());
        Assert.Equal(0, await ReadUntilEndAsync(client, timeout));
        Assert.Throws<ObjectDisposedException>(() => accepted.Available);
    }

    [Fact]
    public async Task AuthenticateAsync_ClientSendsNothing_CancellationEndsItAndClosesTheSocket()
    {
        var issued = _authority.IssueServer();
        using var source = new PemCertificateSource(issued.CertificatePemPath, issued.KeyPemPath, _logger);
        var (client, accepted) = await Loopback.CreatePairAsync();
        using var _ = client;
        using var handshakeTimeout = new CancellationTokenSource();

        var server = TlsAcceptor.AuthenticateAsync(accepted, source, handshakeTimeout.Token);
        Assert.False(server.IsCompleted);
        await handshakeTimeout.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => server.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, await ReadUntilEndAsync(client, Loopback.Timeout(10)));
    }

    /// <summary>Discards what the server sent (a TLS alert, perhaps) and returns the 0 of EOF.</summary>
    private static async Task<int> ReadUntilEndAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[1024];
        int read;
        try
        {
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken)) > 0)
            {
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            read = 0;
        }

        return read;
    }

    public void Dispose() => _authority.Dispose();
}
