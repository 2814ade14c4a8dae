using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Relay.Interop.Tests;

/// <summary>
/// A throwaway CA and a server certificate it signed for 127.0.0.1 and localhost, made in the test: the CA goes to a
/// PEM file for SSL_CERT_FILE, the leaf (with its key, through a PFX round trip so SslStream can use the key) serves
/// TLS. Nothing touches the machine's trust store.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private TestCertificates(X509Certificate2 authority, X509Certificate2 server, string authorityPemPath)
    {
        Authority = authority;
        Server = server;
        AuthorityPemPath = authorityPemPath;
    }

    /// <summary>The CA, public part only.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The leaf with its private key.</summary>
    public X509Certificate2 Server { get; }

    /// <summary>A temp file holding the CA as PEM: the value for SSL_CERT_FILE.</summary>
    public string AuthorityPemPath { get; }

    public static TestCertificates Create()
    {
        var notBefore = DateTimeOffset.UtcNow.AddHours(-1);
        var notAfter = DateTimeOffset.UtcNow.AddDays(7);

        using var authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest("CN=Relay Interop Test CA", authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        authorityRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(authorityRequest.PublicKey, critical: false));
        using var authorityWithKey = authorityRequest.CreateSelfSigned(notBefore, notAfter.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], critical: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authorityWithKey, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive serial number
        using var serverPublic = serverRequest.Create(authorityWithKey, notBefore, notAfter, serial);
        using var serverWithKey = serverPublic.CopyWithPrivateKey(serverKey);
        var server = X509CertificateLoader.LoadPkcs12(serverWithKey.Export(X509ContentType.Pfx), password: null);

        var pemPath = Path.Combine(Path.GetTempPath(), $"relay-test-ca-{Guid.NewGuid():N}.pem");
        File.WriteAllText(pemPath, authorityWithKey.ExportCertificatePem() + "\n");
        var authority = X509CertificateLoader.LoadCertificate(authorityWithKey.RawData);
        return new TestCertificates(authority, server, pemPath);
    }

    public void Dispose()
    {
        Authority.Dispose();
        Server.Dispose();
        File.Delete(AuthorityPemPath);
    }
}
