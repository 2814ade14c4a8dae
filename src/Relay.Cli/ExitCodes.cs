namespace Relay.Cli;

/// <summary>The one place for exit codes (DESIGN.md §5). The client's codes say why a session could not start or
/// ended abnormally, so a script (or an SSH user) can tell a dead target from a wrong token; docs/client.md and
/// <c>relay --help</c> list them.</summary>
internal static class ExitCodes
{
    /// <summary>The session ended normally, or a server was stopped by a signal.</summary>
    public const int Success = 0;

    /// <summary>Any other runtime failure (a listener that cannot bind, stdio that failed).</summary>
    public const int Failure = 1;

    /// <summary>A usage error: bad or unsupported options or specifiers, a missing ${VAR}, an unreadable PEM file.</summary>
    public const int Usage = 2;

    /// <summary>Could not connect: DNS, TCP, the proxy, or --connect-timeout.</summary>
    public const int ConnectFailed = 3;

    /// <summary>The TLS handshake failed: certificate not trusted or for another name, client certificate refused.</summary>
    public const int TlsFailed = 4;

    /// <summary>The server refused the upgrade with an HTTP status (401, 403, 404, 503, …) or answered it wrongly.</summary>
    public const int UpgradeRefused = 5;

    /// <summary>The server answered 502: it could not reach its target.</summary>
    public const int TargetUnreachable = 6;

    /// <summary>The session ended abnormally on the server's side: a close code other than 1000/1001, the connection
    /// lost without a close, no answer within --ping-timeout, or a protocol error by the server.</summary>
    public const int ClosedAbnormally = 7;
}
