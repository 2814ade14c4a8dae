using System.Buffers.Binary;
using System.Text;
using Relay.Core.Framing;
using Relay.Testing;

namespace Relay.Fuzz;

/// <summary>
/// The frame parser: FrameReader.TryReadHeader, MessageState, Mask, Utf8Validator and ClosePayload on arbitrary bytes.
/// Input: one configuration byte (bit 0: server role; bits 1-2: message limit; bits 3-7: where to cut), then the stream.
/// </summary>
internal static class FrameTarget
{
    private static readonly long[] s_limits = [0, 1, 125, 65536];
    private static readonly UTF8Encoding s_strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static void Run(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        var config = input[0];
        var role = (config & 1) != 0 ? WebSocketRole.Server : WebSocketRole.Client;
        var limit = s_limits[(config >> 1) & 3];
        var stream = input[1..];
        var cuts = Cuts.For(config >> 3, stream.Length);

        // The same stream read whole and cut into pieces (multi-segment headers, empty segments) reads the same.
        var whole = FrameStreamReader.ReadWhole(stream, role, limit);
        var pieces = FrameStreamReader.ReadInChunks(stream, cuts, role, limit);
        var expected = whole.Describe();
        var actual = pieces.Describe();
        if (expected != actual)
        {
            throw new InvariantException($"read whole:\n{expected}\nread in pieces {string.Join(',', cuts)}:\n{actual}");
        }

        // A claimed length is a number to compare, never a size to allocate: the codec allocates nothing at all.
        if (whole.CodecAllocatedBytes != 0 || pieces.CodecAllocatedBytes != 0)
        {
            throw new InvariantException($"the codec allocated {whole.CodecAllocatedBytes} / {pieces.CodecAllocatedBytes} bytes");
        }

        CheckEvents(whole.Events, role, limit);
        CheckUtf8(stream, cuts);
        CheckClosePayload(stream.AsSpan(0, Math.Min(stream.Length, FrameReader.MaxControlPayloadLength)));
    }

    /// <summary>Each event against the RFC, and the message sequence against a model of RFC 6455 §5.4.</summary>
    private static void CheckEvents(IReadOnlyList<FrameEvent> events, WebSocketRole role, long limit)
    {
        var open = false;
        var text = false;
        long messageLength = 0;
        var message = new List<byte>();
        FrameHeader dataHeader = default;
        long frameReceived = 0;
        byte[]? accepted = null; // a text message that arrived whole; accepted unless the next event answers 1007
        foreach (var e in events)
        {
            if (accepted is not null && !(e.Kind == FrameEventKind.Error && e.Code == CloseStatus.InvalidPayloadData))
            {
                CheckAcceptedText(accepted);
            }

            accepted = null;
            switch (e.Kind)
            {
                case FrameEventKind.Header:
                    CheckHeaderRoundTrip(e.Header, e.Bytes, role);
                    if (e.Header.IsControl)
                    {
                        break;
                    }

                    if (e.Header.Opcode == Opcode.Continuation != open)
                    {
                        throw new InvariantException($"accepted {e.Header.Opcode} while a message was {(open ? "open" : "not open")}");
                    }

                    if (!open)
                    {
                        text = e.Header.Opcode == Opcode.Text;
                        messageLength = 0;
                        message.Clear();
                    }

                    messageLength += e.Header.PayloadLength;
                    if (limit > 0 && messageLength > limit)
                    {
                        throw new InvariantException($"accepted a message of {messageLength} bytes over the limit {limit}");
                    }

                    open = !e.Header.Fin;
                    dataHeader = e.Header;
                    frameReceived = 0;
                    accepted = CompleteText(text, message, dataHeader, frameReceived);
                    break;
                case FrameEventKind.Payload:
                    frameReceived += e.Bytes.Length;
                    if (text)
                    {
                        message.AddRange(e.Bytes);
                    }

                    accepted = CompleteText(text, message, dataHeader, frameReceived);
                    break;
                case FrameEventKind.Close:
                    CheckClose(e.Bytes, e.Invalid ? e.Code : (ushort)0, e.Code, e.Reason ?? string.Empty);
                    break;
                case FrameEventKind.Error:
                    if (e.Code is not (CloseStatus.ProtocolError or CloseStatus.InvalidPayloadData or CloseStatus.MessageTooBig)
                        || (e.Code == CloseStatus.MessageTooBig && limit == 0))
                    {
                        throw new InvariantException($"answered {e.Code} (limit {limit})");
                    }

                    break;
                default:
                    break;
            }
        }

        if (accepted is not null)
        {
            CheckAcceptedText(accepted);
        }
    }

    /// <summary>The whole text message once its last frame has arrived whole, else null.</summary>
    private static byte[]? CompleteText(bool text, List<byte> message, FrameHeader header, long frameReceived) =>
        text && header.Fin && frameReceived == header.PayloadLength ? [.. message] : null;

    /// <summary>A text message the reader accepted must be UTF-8 by System.Text's reckoning.</summary>
    private static void CheckAcceptedText(byte[] message)
    {
        if (!IsStrictUtf8(message))
        {
            throw new InvariantException($"accepted a text message that is not UTF-8: {Convert.ToHexString(message)}");
        }
    }

    /// <summary>A header that parses re-serialises to the same bytes, and every shorter prefix of it needs more data.</summary>
    private static void CheckHeaderRoundTrip(FrameHeader header, byte[] raw, WebSocketRole role)
    {
        Span<byte> written = stackalloc byte[FrameReader.MaxHeaderLength];
        var length = FrameWriter.WriteHeader(written, header.Opcode, header.Fin, header.PayloadLength, header.Masked, header.MaskKey);
        if (!written[..length].SequenceEqual(raw) || header.HeaderLength != raw.Length)
        {
            throw new InvariantException($"header {header} read from [{Convert.ToHexString(raw)}] writes back as [{Convert.ToHexString(written[..length])}]");
        }

        for (var prefix = 0; prefix < raw.Length; prefix++)
        {
            // An exactly-sized copy of the prefix: reading past it fails the bounds check.
            var status = FrameReader.TryReadHeader(raw.AsSpan(0, prefix).ToArray(), role, out _, out _);
            if (status != FrameReadStatus.NeedMoreData)
            {
                throw new InvariantException($"the first {prefix} bytes of [{Convert.ToHexString(raw)}] read as {status}");
            }
        }
    }

    /// <summary>The streaming validator agrees with System.Text's strict decoder at every cut and at the end.</summary>
    private static void CheckUtf8(byte[] bytes, List<int> cuts)
    {
        var validator = default(Utf8Validator);
        var decoder = s_strict.GetDecoder();
        var offset = 0;
        foreach (var size in cuts.Append(int.MaxValue))
        {
            var take = Math.Min(size, bytes.Length - offset);
            var chunk = bytes.AsSpan(offset, take);
            var accepted = validator.TryAppend(chunk);
            var reference = TryDecode(decoder, chunk);
            offset += take;
            if (accepted != reference)
            {
                throw new InvariantException($"Utf8Validator {(accepted ? "accepted" : "rejected")} [{Convert.ToHexString(bytes.AsSpan(0, offset))}] cut {string.Join(',', cuts)}; System.Text did not");
            }

            if (!accepted)
            {
                return;
            }

            if (validator.IsComplete != IsStrictUtf8(bytes.AsSpan(0, offset)))
            {
                throw new InvariantException($"Utf8Validator.IsComplete is {validator.IsComplete} after [{Convert.ToHexString(bytes.AsSpan(0, offset))}]");
            }

            if (offset == bytes.Length)
            {
                return;
            }
        }
    }

    /// <summary>Parse and write of a Close body agree with each other and with the RFC.</summary>
    private static void CheckClosePayload(ReadOnlySpan<byte> payload)
    {
        var result = ClosePayload.TryParse(payload, out var code, out var reason);
        CheckClose(payload, result, code, reason);
    }

    private static void CheckClose(ReadOnlySpan<byte> payload, ushort result, ushort code, string reason)
    {
        switch (result)
        {
            case 0:
                if (payload.IsEmpty ? code != CloseStatus.NoStatusReceived : payload.Length < 2 || !CloseStatus.IsValidOnWire(code))
                {
                    throw new InvariantException($"accepted close code {code} from [{Convert.ToHexString(payload)}]");
                }

                if (payload.Length >= 2 && (!IsStrictUtf8(payload[2..]) || s_strict.GetString(payload[2..]) != reason))
                {
                    throw new InvariantException($"close reason '{reason}' is not the bytes [{Convert.ToHexString(payload)}]");
                }

                Span<byte> written = stackalloc byte[FrameReader.MaxControlPayloadLength];
                var length = ClosePayload.Write(written, code, reason);
                if (!written[..length].SequenceEqual(payload))
                {
                    throw new InvariantException($"close [{Convert.ToHexString(payload)}] writes back as [{Convert.ToHexString(written[..length])}]");
                }

                break;
            case CloseStatus.ProtocolError:
                if (payload.Length != 1 && (payload.Length < 2 || CloseStatus.IsValidOnWire(BinaryPrimitives.ReadUInt16BigEndian(payload))))
                {
                    throw new InvariantException($"refused close [{Convert.ToHexString(payload)}] with 1002");
                }

                break;
            case CloseStatus.InvalidPayloadData:
                if (payload.Length < 2 || !CloseStatus.IsValidOnWire(BinaryPrimitives.ReadUInt16BigEndian(payload)) || IsStrictUtf8(payload[2..]))
                {
                    throw new InvariantException($"refused close [{Convert.ToHexString(payload)}] with 1007");
                }

                break;
            default:
                throw new InvariantException($"close [{Convert.ToHexString(payload)}] answered {result}");
        }
    }

    private static bool IsStrictUtf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            _ = s_strict.GetCharCount(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>Feeds the decoder without flushing: it throws on bytes that cannot be UTF-8, keeps a cut code point for later.</summary>
    private static bool TryDecode(Decoder decoder, ReadOnlySpan<byte> chunk)
    {
        try
        {
            Span<char> sink = stackalloc char[64];
            var rest = chunk;
            while (true)
            {
                decoder.Convert(rest, sink, flush: false, out var used, out _, out var completed);
                rest = rest[used..];
                if (completed || rest.IsEmpty)
                {
                    return true;
                }
            }
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
