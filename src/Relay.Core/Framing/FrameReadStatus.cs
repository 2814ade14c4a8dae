namespace Relay.Core.Framing;

/// <summary>What <see cref="FrameReader.TryReadHeader(ReadOnlySpan{byte}, WebSocketRole, out FrameHeader, out ushort)"/> found.</summary>
public enum FrameReadStatus
{
    /// <summary>Not enough bytes for the whole header yet; nothing was consumed.</summary>
    NeedMoreData,
    /// <summary>A valid header; <see cref="FrameHeader.HeaderLength"/> bytes were read.</summary>
    Header,
    /// <summary>The header breaks RFC 6455; the close code says how.</summary>
    ProtocolError,
}
