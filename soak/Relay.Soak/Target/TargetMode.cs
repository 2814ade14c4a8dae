namespace Relay.Soak.Target;

/// <summary>What the target does with a session, named by the preamble's mode byte.</summary>
public enum TargetMode : byte
{
    /// <summary>Echo until EOF, then close.</summary>
    Echo = 1,

    /// <summary>Read to EOF, report count and SHA-256, then close.</summary>
    Sink = 2,

    /// <summary>Send PARAM bytes of the session's stream, shut down send, read to EOF.</summary>
    Source = 3,

    /// <summary>Read to EOF, then send the 32-byte SHA-256 of what was read, then close.</summary>
    SinkThenReply = 4,

    /// <summary>Send PARAM bytes of the stream, then reset (linger 0 + close).</summary>
    ResetAfter = 5,

    /// <summary>Send PARAM bytes, shut down send, then read to EOF and report count and SHA-256.</summary>
    HalfCloseThenSink = 6,

    /// <summary>Read and discard until EOF or reset; report when and how it ended.</summary>
    Hold = 7,
}
