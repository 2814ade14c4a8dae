using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Relay.Core.Transport;

/// <summary>
/// Checks the server's certificate for one client connection: the system trust store as SslStream checks it, plus
/// the extra CAs of --ca-cert, or nothing with -k. Remembers what was wrong so the failure can say why.
/// </summary>
public sealed class TlsServerCertificateCheck
{
    private static readonly Oid s_serverAuthentication = new("1.3.6.1.5.5.7.3.1", "Server Authentication");

    private readonly X509Certificate2Collection? _trusted;
    private readonly bool _insecure;

    public TlsServerCertificateCheck(X509Certificate2Collection? trusted, bool insecure)
    {
        _trusted = trusted;
        _insecure = insecure;
    }

    /// <summary>What SslStream found wrong with the certificate, before the extra CAs were considered.</summary>
    public SslPolicyErrors Errors { get; private set; }

    /// <summary>Whether the chain was rejected even with the extra CAs.</summary>
    public bool Rejected { get; private set; }

    /// <summary>Whether the server asked for a client certificate when the client had none to give.</summary>
    public bool ClientCertificateRequested { get; private set; }

    /// <summary>The <see cref="LocalCertificateSelectionCallback"/> for a client without a certificate: notes that the
    /// server asked for one. Under TLS 1.3 a server that then refuses us closes after the handshake has completed on
    /// our side, so this is the only sign of why.</summary>
    public X509Certificate? SelectNoCertificate(object sender, string targetHost, X509CertificateCollection localCertificates, X509Certificate? remoteCertificate, string[] acceptableIssuers)
    {
        ClientCertificateRequested = true;
        return null;
    }

    /// <summary>The <see cref="RemoteCertificateValidationCallback"/>.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        Errors = errors;
        if (_insecure || errors == SslPolicyErrors.None)
        {
            return true;
        }

        // The extra CAs can only cure an untrusted chain; a wrong name or a missing certificate stays fatal.
        if (errors == SslPolicyErrors.RemoteCertificateChainErrors && _trusted is { Count: > 0 } && certificate is not null
            && IsTrustedByExtraCas(certificate, chain))
        {
            return true;
        }

        Rejected = true;
        return false;
    }

    /// <summary>One phrase for the user, e.g. "certificate not trusted (RemoteCertificateChainErrors); use --ca-cert or -k".</summary>
    public string Describe()
    {
        if (Errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return "the server sent no certificate";
        }

        if (Errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return $"certificate name does not match the host ({Errors}); use -k to skip the check";
        }

        return $"certificate not trusted ({Errors}); use --ca-cert or -k";
    }

    private bool IsTrustedByExtraCas(X509Certificate certificate, X509Chain? presented)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_trusted!);
        chain.ChainPolicy.ExtraStore.AddRange(_trusted!);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // as SslStream's default for clients
        chain.ChainPolicy.ApplicationPolicy.Add(s_serverAuthentication);
        if (presented is not null)
        {
            // Intermediates the server sent.
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        try
        {
            return chain.Build(leaf);
        }
        finally
        {
            if (!ReferenceEquals(leaf, certificate))
            {
                leaf.Dispose();
            }
        }
    }
}
