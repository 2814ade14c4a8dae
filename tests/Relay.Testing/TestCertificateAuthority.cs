using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Relay.Testing;

/// <summary>
/// A throwaway certificate authority made in the test, with PEM files in a temp folder of its own: the CA for
/// SSL_CERT_FILE or --ca-cert, and leaves it signs for servers (127.0.0.1, localhost) and clients (mTLS), each as a
/// certificate file and a key file the way `relay serve --tls-cert/--tls-key` and `--client-cert/--client-key` read
/// them. Nothing touches the machine's trust store; disposing deletes the folder.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private static readonly Oid s_serverAuth = new("1.3.6.1.5.5.7.3.1", "Server Authentication");
    private static readonly Oid s_clientAuth = new("1.3.6.1.5.5.7.3.2", "Client Authentication");

    private readonly X509Certificate2 _authorityWithKey;
    private int _issued;

    public TestCertificateAuthority(string name = "Relay Test CA")
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("relay-ca-").FullName;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        _authorityWithKey = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(8));
        CertificatePemPath = Path.Combine(Directory, "ca.pem");
        File.WriteAllText(CertificatePemPath, _authorityWithKey.ExportCertificatePem() + "\n");
    }

    /// <summary>The temp folder holding every PEM file this authority wrote.</summary>
    public string Directory { get; }

    /// <summary>The CA certificate as PEM: the value for SSL_CERT_FILE or --ca-cert.</summary>
    public string CertificatePemPath { get; }

    /// <summary>The CA certificate, public part only (a new instance the caller disposes).</summary>
    public X509Certificate2 Certificate => X509CertificateLoader.LoadCertificate(_authorityWithKey.RawData);

    /// <summary>A server leaf for 127.0.0.1, ::1 and localhost (plus <paramref name="dnsNames"/>).</summary>
    public IssuedCertificate IssueServer(string commonName = "localhost", params string[] dnsNames) =>
        Issue(commonName, s_serverAuth, dnsNames, includeLoopback: true);

    /// <summary>A client leaf for mutual TLS.</summary>
    public IssuedCertificate IssueClient(string commonName = "relay-test-client") =>
        Issue(commonName, s_clientAuth, [], includeLoopback: false);

    private IssuedCertificate Issue(string commonName, Oid usage, string[] dnsNames, bool includeLoopback)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], critical: false));
        var names = new SubjectAlternativeNameBuilder();
        if (includeLoopback)
        {
            names.AddIpAddress(IPAddress.Loopback);
            names.AddIpAddress(IPAddress.IPv6Loopback);
            names.AddDnsName("localhost");
        }

        foreach (var dns in dnsNames)
        {
            names.AddDnsName(dns);
        }

        if (includeLoopback || dnsNames.Length > 0)
        {
            request.CertificateExtensions.Add(names.Build());
        }

        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_authorityWithKey, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive serial number
        using var issued = request.Create(_authorityWithKey, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(7), serial);

        var n = Interlocked.Increment(ref _issued);
        var certPath = Path.Combine(Directory, $"{n:D2}-{commonName}.crt.pem");
        var keyPath = Path.Combine(Directory, $"{n:D2}-{commonName}.key.pem");
        File.WriteAllText(certPath, issued.ExportCertificatePem() + "\n");
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
        return new IssuedCertificate(certPath, keyPath, issued.Thumbprint);
    }

    public void Dispose()
    {
        _authorityWithKey.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
