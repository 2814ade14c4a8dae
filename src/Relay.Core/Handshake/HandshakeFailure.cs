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
}
