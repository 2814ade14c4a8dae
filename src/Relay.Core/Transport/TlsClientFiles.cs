using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Relay.Core.Transport;

/// <summary>PEM files the client reads for TLS: extra trusted CAs (--ca-cert) and its own certificate (mTLS).</summary>
public static class TlsClientFiles
{
    /// <summary>Every certificate in a PEM file (a bundle may hold several).</summary>
    /// <exception cref="InvalidDataException">The file cannot be read or holds no certificate; the message says which.</exception>
    public static X509Certificate2Collection LoadCertificates(string path)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }

        if (certificates.Count == 0)
        {
            throw new InvalidDataException($"{path}: no PEM certificate in the file");
        }

        return certificates;
    }

    /// <summary>
    /// The client certificate for mutual TLS: the first certificate of <paramref name="certificatePath"/> with the
    /// key of <paramref name="keyPath"/> (PKCS#8, RSA or EC PEM); further certificates in the file are sent as its
    /// chain.
    /// </summary>
    /// <exception cref="InvalidDataException">A file cannot be read, or the key does not match the certificate.</exception>
    public static SslStreamCertificateContext LoadClientCertificate(string certificatePath, string keyPath)
    {
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            // Through PKCS#12 so the key is a persisted-style key SslStream can use on every platform.
            var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
            var chain = LoadCertificates(certificatePath);
            chain.RemoveAt(0);
            return SslStreamCertificateContext.Create(certificate, chain, offline: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new InvalidDataException($"{certificatePath} with {keyPath}: {ex.Message}", ex);
        }
    }
}
