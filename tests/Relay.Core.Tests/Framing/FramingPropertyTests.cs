using System.Text;
using CsCheck;
using Relay.Core.Framing;
using Relay.Testing;

namespace Relay.Core.Tests.Framing;

/// <summary>
/// Property tests of the frame codec (issue 4): random bytes, random cuts, random valid frames. Each property runs a
/// few hundred to a few thousand cases; together they stay within a few seconds. The fuzzer (fuzz/) checks the same
/// invariants coverage-guided.
/// </summary>
public class FramingPropertyTests
{
    private static readonly UTF8Encoding s_strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly Gen<WebSocketRole> s_role = Gen.OneOf(WebSocketRole.Client, WebSocketRole.Server);

    [Fact]
    public void TryReadHeader_RandomBytes_StatusConsistentInEveryShape()
    {
        Gen.Select(FrameGen.FrameLikeBytes, s_role, FrameGen.Cuts).Sample((bytes, role, cuts) =>
        {
            var status = FrameReader.TryReadHeader(bytes, role, out var header, out var code);
            switch (status)
            {
                case FrameReadStatus.NeedMoreData:
                    Assert.Equal(0, code);
                    Assert.Equal(default, header);
                    break;
                case FrameReadStatus.Header:
                    Assert.Equal(0, code);
                    Assert.InRange(header.HeaderLength, 2, Math.Min(bytes.Length, FrameReader.MaxHeaderLength));
                    Assert.True(header.PayloadLength >= 0);
                    Assert.Equal(role == WebSocketRole.Server, header.Masked);
                    Assert.True(!header.IsControl || (header.Fin && header.PayloadLength <= FrameReader.MaxControlPayloadLength));
                    break;
                default:
                    Assert.Equal(FrameReadStatus.ProtocolError, status);
                    Assert.Equal(CloseStatus.ProtocolError, code);
                    break;
            }

            // The same bytes cut into segments (empty ones included) read the same.
            var sequence = SequenceFactory.Create(Cut(bytes, cuts));
            Assert.Equal(status, FrameReader.TryReadHeader(sequence, role, out var fromSequence, out var sequenceCode));
            Assert.Equal(header, fromSequence);
            Assert.Equal(code, sequenceCode);
        }, iter: 5000);
    }

    [Fact]
    public void WriteHeaderThenRead_RandomHeaderAtEveryLengthEdge_ReadsSameHeaderAndBytes()
    {
        Gen.Select(FrameGen.AnyOpcode, Gen.Bool, Gen.Bool, Gen.Int, FrameGen.PayloadLength).Sample((opcode, fin, masked, key, length) =>
        {
            var control = ((byte)opcode & 0x8) != 0;
            if (control)
            {
                // RFC 6455 §5.5: control frames are never fragmented and carry at most 125 bytes.
                fin = true;
                length %= FrameReader.MaxControlPayloadLength + 1;
            }

            var maskKey = masked ? key : 0;
            var bytes = new byte[FrameWriter.GetHeaderLength(length, masked)];
            var written = FrameWriter.WriteHeader(bytes, opcode, fin, length, masked, maskKey);
            var role = masked ? WebSocketRole.Server : WebSocketRole.Client;

            var status = FrameReader.TryReadHeader(bytes, role, out var header, out _);

            Assert.Equal(bytes.Length, written);
            Assert.Equal(FrameReadStatus.Header, status);
            Assert.Equal(new FrameHeader(fin, opcode, masked, maskKey, length, written), header);
            var again = new byte[FrameReader.MaxHeaderLength];
            Assert.Equal(bytes, again[..FrameWriter.WriteHeader(again, header.Opcode, header.Fin, header.PayloadLength, header.Masked, header.MaskKey)]);
        }, iter: 5000);
    }

    [Fact]
    public void FrameStream_ValidFramesInRandomChunks_ReadAsWrittenWithoutAllocating()
    {
        Gen.Select(s_role, FrameGen.Cuts).SelectMany(t => FrameGen.ValidStream(t.Item1).Select(frames => (t.Item1, t.Item2, frames)))
            .Sample((role, cuts, frames) =>
            {
                var bytes = frames.SelectMany(f => f.ToBytes()).ToArray();

                var whole = FrameStreamReader.ReadWhole(bytes, role);
                var pieces = FrameStreamReader.ReadInChunks(bytes, cuts, role);

                Assert.Equal(whole.Describe(), pieces.Describe());
                Assert.Equal(0, whole.CodecAllocatedBytes);
                Assert.Equal(0, pieces.CodecAllocatedBytes);
                Assert.Equal(Expected(frames), Read(whole.Events));
            }, iter: 1000);
    }

    [Fact]
    public void FrameStream_LargeFramesInRandomChunks_ReadAsWritten()
    {
        // Payloads across the 16-bit and 64-bit length encodings, cut into reads of up to a few KiB.
        var large = Gen.Select(Gen.Int[65530, 65540], Gen.Int, Gen.Bool, (length, key, masked) =>
            new FrameGen.Frame(Opcode.Binary, true, masked, masked ? key : 0, Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray()));
        Gen.Select(large, Gen.Int[1, 5000].Array[1, 40]).Sample((frame, cuts) =>
        {
            var role = frame.Masked ? WebSocketRole.Server : WebSocketRole.Client;
            var pieces = FrameStreamReader.ReadInChunks(frame.ToBytes(), cuts, role);

            Assert.Equal(Expected([frame]), Read(pieces.Events));
            Assert.Equal(0, pieces.CodecAllocatedBytes);
        }, iter: 40);
    }

    [Fact]
    public void FrameStream_RandomBytesInRandomChunks_SameEventsAsWhole()
    {
        Gen.Select(FrameGen.FrameLikeBytes, s_role, FrameGen.Cuts, Gen.OneOf(0L, 1L, 125L, 65536L)).Sample((bytes, role, cuts, limit) =>
        {
            var whole = FrameStreamReader.ReadWhole(bytes, role, limit);
            var pieces = FrameStreamReader.ReadInChunks(bytes, cuts, role, limit);

            Assert.Equal(whole.Describe(), pieces.Describe());
            Assert.Equal(0, whole.CodecAllocatedBytes);
            if (whole.Events.Count > 0 && whole.Events[^1].Kind == FrameEventKind.Error)
            {
                var code = whole.Events[^1].Code;
                Assert.True(code is CloseStatus.ProtocolError or CloseStatus.InvalidPayloadData || (code == CloseStatus.MessageTooBig && limit > 0), $"answered {code}");
            }
        }, iter: 3000);
    }

    [Fact]
    public void MaskApply_TwiceFromRandomOffset_RestoresDataAndMatchesScalar()
    {
        Gen.Select(Gen.Byte.Array[0, 200], Gen.Int, Gen.Int[0, 3], Gen.Int[0, 200]).Sample((data, key, offset, cut) =>
        {
            var masked = data.ToArray();
            var next = Mask.Apply(masked, key, offset);
            var scalar = data.ToArray();
            Mask.ApplyScalar(scalar, key, offset);

            Assert.Equal(scalar, masked);
            Assert.Equal((offset + data.Length) & 3, next);

            // Resuming at the returned offset after a cut is the same as one pass.
            cut = Math.Min(cut, data.Length);
            var resumed = data.ToArray();
            var middle = Mask.Apply(resumed.AsSpan(0, cut), key, offset);
            Mask.Apply(resumed.AsSpan(cut), key, middle);
            Assert.Equal(masked, resumed);

            Mask.Apply(masked, key, offset);
            Assert.Equal(data, masked);
        }, iter: 3000);
    }

    [Fact]
    public void Utf8Validator_RandomBytesSplitAnywhere_AgreesWithUtf8Encoding()
    {
        // Mostly near-UTF-8 (encoded strings with a byte or two changed), some pure noise.
        var nearUtf8 = Gen.Select(
            Gen.String[Gen.Frequency((2, Gen.Char['a', 'z']), (1, Gen.Char['\u0080', '\uFFFF'])), 0, 20].Select(Encoding.UTF8.GetBytes),
            Gen.Select(Gen.Int[0, 64], Gen.OneOf<byte>(0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0x41)).Array[0, 2],
            (bytes, edits) =>
            {
                foreach (var (at, value) in edits)
                {
                    if (bytes.Length > 0)
                    {
                        bytes[at % bytes.Length] = value;
                    }
                }

                return bytes;
            });
        var bytesGen = Gen.Frequency((4, nearUtf8), (1, Gen.Byte.Array[0, 16]), (1, Gen.Int[0x80, 0xFF].Select(b => (byte)b).Array[0, 8]));
        Gen.Select(bytesGen, FrameGen.Cuts).Sample((bytes, cuts) =>
        {
            var validator = default(Utf8Validator);
            var accepted = true;
            foreach (var chunk in Cut(bytes, cuts))
            {
                if (!validator.TryAppend(chunk))
                {
                    accepted = false;
                    break;
                }
            }

            Assert.Equal(IsUtf8(bytes), accepted && validator.IsComplete);
        }, iter: 10000);
    }

    [Fact]
    public void ClosePayloadTryParse_RandomBytes_AnswerMatchesTheRfc()
    {
        var payloads = Gen.Frequency(
            (1, Gen.Byte.Array[0, 6]),
            (3, Gen.Select(Gen.Int[0, 65535], Gen.Byte.Array[0, 10], (code, reason) => new[] { (byte)(code >> 8), (byte)code }.Concat(reason).ToArray())),
            (3, Gen.Select(Gen.Int[995, 1020], Gen.String[Gen.Char['\u0020', '\u00FF'], 0, 10], (code, reason) =>
                new[] { (byte)(code >> 8), (byte)code }.Concat(Encoding.UTF8.GetBytes(reason)).ToArray())));
        payloads.Sample(payload =>
        {
            var result = ClosePayload.TryParse(payload, out var code, out var reason);

            var wireCode = payload.Length >= 2 ? (payload[0] << 8) | payload[1] : -1;
            var expected = payload.Length switch
            {
                0 => 0,
                1 => CloseStatus.ProtocolError,
                _ when !CloseStatus.IsValidOnWire(wireCode) => CloseStatus.ProtocolError,
                _ when !IsUtf8(payload.AsSpan(2)) => CloseStatus.InvalidPayloadData,
                _ => 0,
            };
            Assert.Equal(expected, result);
            if (result == 0)
            {
                Assert.Equal(payload.Length == 0 ? CloseStatus.NoStatusReceived : wireCode, code);
                Assert.Equal(payload.Length == 0 ? string.Empty : s_strict.GetString(payload, 2, payload.Length - 2), reason);
            }
        }, iter: 5000);
    }

    /// <summary>The frames as the reader should report them: header fields, then the payload per frame.</summary>
    private static List<string> Expected(FrameGen.Frame[] frames)
    {
        var lines = new List<string>();
        foreach (var f in frames)
        {
            lines.Add($"{f.Opcode} fin={f.Fin} masked={f.Masked} key={f.MaskKey} length={f.Payload.Length}");
            if (f.Payload.Length > 0 || f.Opcode is Opcode.Ping or Opcode.Pong or Opcode.Close)
            {
                lines.Add(Convert.ToHexString(f.Payload));
            }
        }

        return lines;
    }

    private static List<string> Read(IReadOnlyList<FrameEvent> events)
    {
        var lines = new List<string>();
        foreach (var e in events)
        {
            Assert.NotEqual(FrameEventKind.Error, e.Kind);
            if (e.Kind == FrameEventKind.Header)
            {
                var h = e.Header;
                lines.Add($"{h.Opcode} fin={h.Fin} masked={h.Masked} key={h.MaskKey} length={h.PayloadLength}");
            }
            else
            {
                Assert.False(e.Invalid);
                lines.Add(Convert.ToHexString(e.Bytes));
            }
        }

        return lines;
    }

    /// <summary><paramref name="bytes"/> cut into pieces of the given sizes; the last piece takes the rest.</summary>
    internal static List<byte[]> Cut(byte[] bytes, int[] sizes)
    {
        var pieces = new List<byte[]>();
        var offset = 0;
        foreach (var size in sizes)
        {
            var take = Math.Min(size, bytes.Length - offset);
            pieces.Add(bytes.AsSpan(offset, take).ToArray());
            offset += take;
        }

        pieces.Add(bytes.AsSpan(offset).ToArray());
        return pieces;
    }

    private static bool IsUtf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            s_strict.GetCharCount(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
