namespace Relay.Testing;

/// <summary>What kind of thing <see cref="FrameStreamReader"/> saw.</summary>
public enum FrameEventKind
{
    /// <summary>A data or control frame header; <see cref="FrameEvent.Bytes"/> holds its raw bytes.</summary>
    Header,
    /// <summary>Unmasked payload of the current data frame, as much as has arrived.</summary>
    Payload,
    /// <summary>A whole Ping or Pong, unmasked.</summary>
    Control,
    /// <summary>A whole Close: <see cref="FrameEvent.Code"/> is its code, or the error code when it is invalid.</summary>
    Close,
    /// <summary>The stream broke RFC 6455: <see cref="FrameEvent.Code"/> is the close code to answer with.</summary>
    Error,
}
