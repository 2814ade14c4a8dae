using Relay.Core.Framing;

namespace Relay.Testing;

/// <summary>One thing <see cref="FrameStreamReader"/> saw.</summary>
public sealed record FrameEvent(FrameEventKind Kind, FrameHeader Header, byte[] Bytes, ushort Code = 0, string? Reason = null, bool Invalid = false)
{
    public override string ToString() => Kind switch
    {
        FrameEventKind.Header => $"header {Header} [{Convert.ToHexString(Bytes)}]",
        FrameEventKind.Payload => $"payload [{Convert.ToHexString(Bytes)}]",
        FrameEventKind.Control => $"control {Header.Opcode} [{Convert.ToHexString(Bytes)}]",
        FrameEventKind.Close => $"close {(Invalid ? "invalid, answer " : string.Empty)}{Code} '{Reason}' [{Convert.ToHexString(Bytes)}]",
        _ => $"error {Code}",
    };
}
