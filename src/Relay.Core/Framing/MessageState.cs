namespace Relay.Core.Framing;

/// <summary>
/// The per-direction message state that a frame header alone cannot know: whether a fragmented message is open,
/// whether it is text (and where its UTF-8 validation stands), and how long it has grown. Kept apart from
/// <see cref="FrameReader"/> so the header reader stays stateless.
/// </summary>
public struct MessageState
{
    private bool _open;
    private bool _text;
    private long _length;
    private Utf8Validator _utf8;

    /// <summary>Whether the data frame being received belongs to a text message.</summary>
    public readonly bool IsText => _text;

    /// <summary>
    /// Checks a header against the message state (RFC 6455 §5.4) and the incoming message limit; returns 0 when the
    /// frame is acceptable, otherwise the close code to answer with.
    /// </summary>
    /// <param name="maxMessageSize">Largest message accepted, in bytes; 0 or less means unlimited.</param>
    public ushort OnHeader(in FrameHeader header, long maxMessageSize)
    {
        if (header.IsControl)
        {
            return 0; // control frames may arrive between fragments and do not touch the message state
        }

        if (header.Opcode == Opcode.Continuation)
        {
            if (!_open)
            {
                return CloseStatus.ProtocolError; // a continuation with no message to continue
            }
        }
        else
        {
            if (_open)
            {
                return CloseStatus.ProtocolError; // a new message inside an unfinished fragmented one
            }

            _open = true;
            _text = header.Opcode == Opcode.Text;
            _length = 0;
            _utf8.Reset();
        }

        _length += header.PayloadLength;
        if (maxMessageSize > 0 && (header.PayloadLength > maxMessageSize || _length > maxMessageSize))
        {
            return CloseStatus.MessageTooBig;
        }

        return 0;
    }

    /// <summary>Feeds unmasked payload of the current data frame; false when a text message stops being UTF-8.</summary>
    public bool OnPayload(ReadOnlySpan<byte> payload) => !_text || _utf8.TryAppend(payload);

    /// <summary>Called when a data frame's payload is complete; returns 0 or the close code (1007 for a cut code point).</summary>
    public ushort OnFrameEnd(bool fin)
    {
        if (!fin)
        {
            return 0;
        }

        _open = false;
        return _text && !_utf8.IsComplete ? CloseStatus.InvalidPayloadData : (ushort)0;
    }
}
