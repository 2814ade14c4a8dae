namespace Relay.Core.Handshake;

/// <summary>Why a server refused an upgrade. <see cref="HttpRefusal"/> maps each to its one HTTP answer.</summary>
public enum HandshakeFailure
{
    None,
    Malformed,
    NotUpgrade,
    UnsupportedVersion,
    MissingKey,
    MethodNotAllowed,
    RequestLineTooLong,
    HeadersTooLarge,
    Timeout,
    TargetUnreachable,
    AtCapacity,
    /// <summary>No route for the request's path and no default route (404).</summary>
    NoRoute,
    /// <summary>The bearer token is missing or wrong (401).</summary>
    Unauthorized,
    /// <summary>The Origin is not on the allow-list (403).</summary>
    OriginNotAllowed,
    /// <summary>The server is draining for shutdown (503).</summary>
    Draining,
}
