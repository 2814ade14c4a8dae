using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Relay.Core.Diagnostics;

/// <summary>
/// Server-side TLS certificate log lines: loaded from PEM files, reloaded, a reload that failed. Event ids never change
/// meaning; 100–199 belong to this class so they cannot collide with <see cref="SessionLog"/>'s. Failed handshakes are
/// a client's doing and go through the rate-limited refusal log instead.
/// </summary>
public static partial class TlsLog
{
    /// <summary>The certificate read at startup: subject, thumbprint, chain length and expiry, for the operator.</summary>
    public static void CertificateLoaded(ILogger logger, X509Certificate2 leaf, int chainLength, string certificatePath)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            var notAfter = leaf.NotAfter.ToUniversalTime();
            CertificateLoaded(logger, leaf.Subject, leaf.Thumbprint, chainLength, notAfter, certificatePath);
        }
    }

    /// <summary>A reload that took: the new certificate and the thumbprint it replaced.</summary>
    public static void CertificateReloaded(ILogger logger, X509Certificate2 leaf, int chainLength, string previousThumbprint)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            var notAfter = leaf.NotAfter.ToUniversalTime();
            CertificateReloaded(logger, leaf.Subject, leaf.Thumbprint, chainLength, notAfter, previousThumbprint);
        }
    }

    [LoggerMessage(EventId = 101, EventName = "CertificateLoaded", Level = LogLevel.Information,
        Message = "TLS certificate {Subject} ({Thumbprint}, {ChainLength} in chain, expires {NotAfter:u}) loaded from {CertificatePath}")]
    private static partial void CertificateLoaded(ILogger logger, string subject, string thumbprint, int chainLength, DateTime notAfter, string certificatePath);

    [LoggerMessage(EventId = 102, EventName = "CertificateReloaded", Level = LogLevel.Information,
        Message = "TLS certificate changed on disk: now {Subject} ({Thumbprint}, {ChainLength} in chain, expires {NotAfter:u}), was {PreviousThumbprint}")]
    private static partial void CertificateReloaded(ILogger logger, string subject, string thumbprint, int chainLength, DateTime notAfter, string previousThumbprint);

    [LoggerMessage(EventId = 103, EventName = "CertificateReloadFailed", Level = LogLevel.Warning,
        Message = "TLS certificate files changed but cannot be loaded, keeping {Thumbprint}: {Error}")]
    public static partial void CertificateReloadFailed(ILogger logger, string thumbprint, string error);
}
