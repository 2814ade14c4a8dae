namespace Relay.Core.Framing;

/// <summary>One decoded RFC 6455 frame header: what <see cref="FrameReader"/> produces and <see cref="FrameWriter"/> consumes.</summary>
public readonly record struct FrameHeader(
    bool Fin,
    Opcode Opcode,
    bool Masked,
    int MaskKey,
    long PayloadLength,
    int HeaderLength)
{
    /// <summary>Control frames are Close, Ping and Pong (opcodes with the high bit set).</summary>
    public bool IsControl => ((byte)Opcode & 0x8) != 0;
}
