using System.Security.Cryptography.X509Certificates;
using Relay.Testing;

namespace Relay.Interop.Tests;

/// <summary>
/// A throwaway CA (<see cref="TestCertificateAuthority"/>) and a server certificate it signed for 127.0.0.1 and
/// localhost: the CA's PEM file for SSL_CERT_FILE, the leaf with its key for TLS. Nothing touches the machine's trust
/// store.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly TestCertificateAuthority _authority;

    private TestCertificates(TestCertificateAuthority authority)
    {
        _authority = authority;
        Authority = authority.Certificate;
        Server = authority.IssueServer().Load();
    }

    /// <summary>The CA, public part only.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The leaf with its private key.</summary>
    public X509Certificate2 Server { get; }

    /// <summary>A temp file holding the CA as PEM: the value for SSL_CERT_FILE.</summary>
    public string AuthorityPemPath => _authority.CertificatePemPath;

    public static TestCertificates Create() => new(new TestCertificateAuthority("Relay Interop Test CA"));

    public void Dispose()
    {
        Authority.Dispose();
        Server.Dispose();
        _authority.Dispose();
    }
}
