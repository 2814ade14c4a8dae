namespace Relay.Core.Transport;

/// <summary>How the client reaches its server through a proxy.</summary>
public enum ProxyScheme
{
    /// <summary><c>http://</c>: an HTTP/1.1 CONNECT tunnel.</summary>
    Http,

    /// <summary><c>socks5://</c>: SOCKS5 (RFC 1928), the target's name resolved locally (curl does the same).</summary>
    Socks5,

    /// <summary><c>socks5h://</c>: SOCKS5 with the target's name sent to the proxy to resolve.</summary>
    Socks5Hostname,
}
