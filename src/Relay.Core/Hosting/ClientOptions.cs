using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Relay.Core.Transport;

namespace Relay.Core.Hosting;

/// <summary>How the client opens its WebSocket: extra headers, subprotocol, origin, TLS, proxy, timeouts.</summary>
public sealed record ClientOptions
{
    /// <summary>Extra request headers (-H "Name: value"), in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Sec-WebSocket-Protocol to offer (--protocol); the server must echo it or none.</summary>
    public string? Protocol { get; init; }

    /// <summary>Origin header (--origin).</summary>
    public string? Origin { get; init; }

    /// <summary>-k: accept any server certificate.</summary>
    public bool Insecure { get; init; }

    /// <summary>CAs trusted in addition to the system store (--ca-cert), or null.</summary>
    public X509Certificate2Collection? TrustedCertificates { get; init; }

    /// <summary>The certificate the client presents for mutual TLS (--client-cert/--client-key), or null.</summary>
    public SslStreamCertificateContext? ClientCertificate { get; init; }

    /// <summary>The proxy to tunnel through (--proxy, or HTTPS_PROXY and friends as resolved by
    /// <see cref="ProxyEnvironment"/>); null = connect directly.</summary>
    public ProxyAddress? Proxy { get; init; }

    /// <summary>Bound on DNS, TCP connect, the proxy, TLS and the upgrade together.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Local address to connect from (port chosen by the kernel); null = any. The load generator spreads
    /// sessions over several 127.0.0.x this way so that one source address does not run out of ports.</summary>
    public System.Net.IPAddress? LocalAddress { get; init; }
}
