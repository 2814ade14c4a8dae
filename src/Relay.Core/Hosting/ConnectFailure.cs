namespace Relay.Core.Hosting;

/// <summary>Which step of opening a client WebSocket failed; the CLI maps each to an exit code.</summary>
public enum ConnectFailure
{
    /// <summary>DNS, TCP, the proxy, or the connect timeout: the server was never reached.</summary>
    Connect,

    /// <summary>The TLS handshake failed: certificate not trusted, wrong name, protocol mismatch, client certificate refused.</summary>
    Tls,

    /// <summary>The server answered the upgrade with an HTTP status other than 101, or a 101 that is not valid.</summary>
    Upgrade,
}
