namespace Relay.Core.Framing;

/// <summary>RFC 6455 §7.4 close codes that a relay sends or must recognise, and the rule for which codes may appear on the wire.</summary>
public static class CloseStatus
{
    public const ushort NormalClosure = 1000;
    public const ushort GoingAway = 1001;
    public const ushort ProtocolError = 1002;
    public const ushort UnsupportedData = 1003;
    /// <summary>Reserved: "no status code was present". Never sent on the wire.</summary>
    public const ushort NoStatusReceived = 1005;
    /// <summary>Reserved: "closed abnormally, without a Close frame". Never sent on the wire.</summary>
    public const ushort AbnormalClosure = 1006;
    public const ushort InvalidPayloadData = 1007;
    public const ushort PolicyViolation = 1008;
    public const ushort MessageTooBig = 1009;
    public const ushort MandatoryExtension = 1010;
    public const ushort InternalError = 1011;

    /// <summary>
    /// Whether a code received in a Close frame is allowed (RFC 6455 §7.4.1, §7.4.2 and the IANA registry):
    /// 1000-1003 and 1007-1011 are defined, 1012-1014 are registered since, 3000-4999 belong to libraries and
    /// applications. 1004, 1005, 1006 and 1015 are reserved and must never appear on the wire; everything else is invalid.
    /// </summary>
    public static bool IsValidOnWire(int code) => code switch
    {
        >= 1000 and <= 1003 => true,
        >= 1007 and <= 1014 => true,
        >= 3000 and <= 4999 => true,
        _ => false,
    };

    /// <summary>A short name for a code, for the client's one-line message.</summary>
    public static string Describe(int code) => code switch
    {
        NormalClosure => "normal closure",
        GoingAway => "going away",
        ProtocolError => "protocol error",
        UnsupportedData => "unsupported data",
        NoStatusReceived => "no status code",
        AbnormalClosure => "connection lost without a close frame",
        InvalidPayloadData => "invalid payload data",
        PolicyViolation => "policy violation",
        MessageTooBig => "message too big",
        MandatoryExtension => "mandatory extension",
        InternalError => "internal error",
        _ => "application code",
    };
}
