using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Relay.Core.Hosting;
using Relay.Core.Transport;
using Relay.Testing;

namespace Relay.Core.Tests.Hosting;

/// <summary>wss:// against a real TLS server (SslStream with a certificate from a CA made in the test): --ca-cert
/// trust, the refusal without it, -k, and mutual TLS with the client certificate the server saw.</summary>
public sealed class TlsClientConnectorTests
{
    [Fact]
    public async Task Connect_CaCertGiven_TrustsTheServerAndRelaysBytes()
    {
        var timeout = Loopback.Timeout(20);
        using var ca = new TestCertificateAuthority();
        using var serverCertificate = ca.IssueServer().Load();
        await using var server = new ClientTestServer(serverCertificate);
        var options = new ClientOptions { TrustedCertificates = TlsClientFiles.LoadCertificates(ca.CertificatePemPath) };

        var connecting = WebSocketConnector.ConnectAsync(new Uri(server.Url()), options, timeout);
        await using var exchange = await server.NextAsync(timeout);
        using var webSocket = await exchange.AcceptAsync(timeout);
        var (endpoint, prefix) = await connecting;
        await using var _ = endpoint;

        Assert.True(prefix.IsEmpty);
        Assert.Null(exchange.ClientCertificateThumbprint);
        Assert.Equal("GET", exchange.Request.Part1);
    }

    [Fact]
    public async Task Connect_UnknownCa_FailsAsTlsNamingTheFix()
    {
        var timeout = Loopback.Timeout(20);
        using var ca = new TestCertificateAuthority();
        using var serverCertificate = ca.IssueServer().Load();
        await using var server = new ClientTestServer(serverCertificate);

        var ex = await Assert.ThrowsAsync<WebSocketConnectException>(() => WebSocketConnector.ConnectAsync(new Uri(server.Url()), new ClientOptions(), timeout));

        Assert.Equal(ConnectFailure.Tls, ex.Failure);
        Assert.Equal("TLS: certificate not trusted (RemoteCertificateChainErrors); use --ca-cert or -k", ex.Message);
    }

    [Fact]
    public async Task Connect_CaCertOfAnotherCa_StillFails()
    {
        var timeout = Loopback.Timeout(20);
        using var ca = new TestCertificateAuthority();
        using var other = new TestCertificateAuthority("Another CA");
        using var serverCertificate = ca.IssueServer().Load();
        await using var server = new ClientTestServer(serverCertificate);
        var options = new ClientOptions { TrustedCertificates = TlsClientFiles.LoadCertificates(other.CertificatePemPath) };

        var ex = await Assert.ThrowsAsync<WebSocketConnectException>(() => WebSocketConnector.ConnectAsync(new Uri(server.Url()), options, timeout));

        Assert.Equal(ConnectFailure.Tls, ex.Failure);
        Assert.Contains("certificate not trusted", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_TrustedCertificateForAnotherName_FailsOnTheName()
    {
        var timeout = Loopback.Timeout(20);
        // A self-signed certificate for another name, trusted through --ca-cert: only the name is wrong.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=other.example", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("other.example");
        request.CertificateExtensions.Add(names.Build());
        using var selfSigned = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var serverCertificate = X509CertificateLoader.LoadPkcs12(selfSigned.Export(X509ContentType.Pkcs12), null);
        await using var server = new ClientTestServer(serverCertificate);
        var options = new ClientOptions { TrustedCertificates = [X509CertificateLoader.LoadCertificate(selfSigned.RawData)] };

        var ex = await Assert.ThrowsAsync<WebSocketConnectException>(() => WebSocketConnector.ConnectAsync(new Uri(server.Url()), options, timeout));

        Assert.Equal(ConnectFailure.Tls, ex.Failure);
        Assert.StartsWith("TLS: certificate name does not match the host (RemoteCertificateNameMismatch", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_Insecure_AcceptsAnUnknownCa()
    {
        var timeout = Loopback.Timeout(20);
        using var ca = new TestCertificateAuthority();
        using var serverCertificate = ca.IssueServer().Load();
        await using var server = new ClientTestServer(serverCertificate);

        var connecting = WebSocketConnector.ConnectAsync(new Uri(server.Url()), new ClientOptions { Insecure = true }, timeout);
        await using var exchange = await server.NextAsync(timeout);
        using var webSocket = await exchange.AcceptAsync(timeout);
        var (endpoint, _) = await connecting;
        await endpoint.DisposeAsync();

        Assert.Equal(WebSocketState.Open, webSocket.State);
    }

    [Fact]
    public async Task Connect_ClientCertificate_ServerSeesItsThumbprint()
    {
        var timeout = Loopback.Timeout(20);
        using var ca = new TestCertificateAuthority();
        using var serverCertificate = ca.IssueServer().Load();
        var client = ca.IssueClient();
        await using var server = new ClientTestServer(serverCertificate, requireClientCertificate: true);
        var options = new ClientOptions
        {
            TrustedCertificates = TlsClientFiles.LoadCertificates(ca.CertificatePemPath),
            ClientCertificate = TlsClientFiles.LoadClientCertificate(client.CertificatePemPath, client.KeyPemPath),
        };

        var connecting = WebSocketConnector.ConnectAsync(new Uri(server.Url()), options, timeout);
        await using var exchange = await server.NextAsync(timeout);
        using var webSocket = await exchange.AcceptAsync(timeout);
        var (endpoint, _) = await connecting;
        await endpoint.DisposeAsync();

        Assert.Equal(client.Thumbprint, exchange.ClientCertificateThumbprint);
    }

    [Fact]
    public async Task Connect_ServerRequiresClientCertificateAndNoneGiven_FailsAsTls()
    {
        var timeout = Loopback.Timeout(20);
        using var ca = new TestCertificateAuthority();
        using var serverCertificate = ca.IssueServer().Load();
        await using var server = new ClientTestServer(serverCertificate, requireClientCertificate: true);
        var options = new ClientOptions { TrustedCertificates = TlsClientFiles.LoadCertificates(ca.CertificatePemPath) };

        var ex = await Assert.ThrowsAsync<WebSocketConnectException>(() => WebSocketConnector.ConnectAsync(new Uri(server.Url()), options, timeout));

        Assert.True(ex.Failure == ConnectFailure.Tls, $"{ex.Failure}: {ex.Message} / {ex.InnerException}");
    }

    [Fact]
    public void LoadCertificates_FileWithoutCertificates_SaysSo()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "not a certificate\n");
            var ex = Assert.Throws<InvalidDataException>(() => TlsClientFiles.LoadCertificates(path));
            Assert.Contains("no PEM certificate", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LoadClientCertificate_KeyOfAnotherCertificate_Fails()
    {
        using var ca = new TestCertificateAuthority();
        var first = ca.IssueClient("first");
        var second = ca.IssueClient("second");

        Assert.Throws<InvalidDataException>(() => TlsClientFiles.LoadClientCertificate(first.CertificatePemPath, second.KeyPemPath));
    }
}
