using System.Security.Cryptography.X509Certificates;

namespace Relay.Testing;

/// <summary>A leaf written by <see cref="TestCertificateAuthority"/>: PEM certificate and key files, and its thumbprint
/// (what a test compares with the certificate a peer presented).</summary>
public sealed record IssuedCertificate(string CertificatePemPath, string KeyPemPath, string Thumbprint)
{
    /// <summary>Certificate and key together, usable by SslStream (a new instance the caller disposes).</summary>
    public X509Certificate2 Load()
    {
        using var pem = X509Certificate2.CreateFromPemFile(CertificatePemPath, KeyPemPath);
        // Through PKCS#12 so the key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pfx), password: null);
    }
}
