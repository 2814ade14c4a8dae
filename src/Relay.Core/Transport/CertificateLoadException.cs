namespace Relay.Core.Transport;

/// <summary>
/// PEM certificate and key files that cannot serve TLS: missing, unreadable, not PEM, or a key that is not the
/// certificate's. The message is one line naming the file and the problem, fit for a CLI's error output.
/// </summary>
public sealed class CertificateLoadException : Exception
{
    public CertificateLoadException()
    {
    }

    public CertificateLoadException(string message)
        : base(message)
    {
    }

    public CertificateLoadException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
