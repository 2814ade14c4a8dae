namespace Relay.Core.Transport;

/// <summary>The proxy could not be reached, or it refused the tunnel. The message is one line for the user.</summary>
public sealed class ProxyException : Exception
{
    public ProxyException()
    {
    }

    public ProxyException(string message)
        : base(message)
    {
    }

    public ProxyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
