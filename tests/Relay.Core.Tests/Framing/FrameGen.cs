using System.Text;
using CsCheck;
using Relay.Core.Framing;

namespace Relay.Core.Tests.Framing;

/// <summary>Generators for the framing property tests: frames that RFC 6455 allows, lengths at the encoding edges, cuts.</summary>
internal static class FrameGen
{
    /// <summary>One frame to write: the header fields and the unmasked payload.</summary>
    internal sealed record Frame(Opcode Opcode, bool Fin, bool Masked, int MaskKey, byte[] Payload)
    {
        public byte[] ToBytes()
        {
            var bytes = new byte[FrameWriter.GetHeaderLength(Payload.Length, Masked) + Payload.Length];
            var headerLength = FrameWriter.WriteHeader(bytes, Opcode, Fin, Payload.Length, Masked, MaskKey);
            Payload.CopyTo(bytes, headerLength);
            if (Masked)
            {
                Mask.Apply(bytes.AsSpan(headerLength), MaskKey, 0);
            }

            return bytes;
        }

        public override string ToString() => $"{Opcode} fin={Fin} masked={Masked} key={MaskKey:X8} [{Convert.ToHexString(Payload)}]";
    }

    public static readonly Gen<Opcode> AnyOpcode =
        Gen.OneOf(Opcode.Continuation, Opcode.Text, Opcode.Binary, Opcode.Close, Opcode.Ping, Opcode.Pong);

    /// <summary>Payload lengths on and around every edge of RFC 6455 §5.2's 7-, 16- and 64-bit encodings, and anywhere between.</summary>
    public static readonly Gen<long> PayloadLength = Gen.Frequency(
        (3, Gen.Long[0, 130]),
        (2, Gen.Long[65530, 65540]),
        (1, Gen.Long[0, 70000]),
        (1, Gen.OneOf(125L, 126L, 127L, 65535L, 65536L, uint.MaxValue, (long)uint.MaxValue + 1, long.MaxValue - 1, long.MaxValue)),
        (1, Gen.Long[0, long.MaxValue]));

    /// <summary>Chunk sizes for cutting a stream: many tiny ones (0 is an empty segment), some larger.</summary>
    public static readonly Gen<int[]> Cuts = Gen.Frequency((4, Gen.Int[0, 16]), (1, Gen.Int[0, 300])).Array[0, 40];

    /// <summary>Bytes that look enough like frames to get past the first checks, mixed with noise.</summary>
    public static readonly Gen<byte[]> FrameLikeBytes = Gen.Frequency(
        (1, Gen.Byte.Array[0, 40]),
        (3, Gen.Select(Gen.OneOf<byte>(0x00, 0x01, 0x02, 0x80, 0x81, 0x82, 0x88, 0x89, 0x8A, 0x09, 0xC1, 0x83),
                       Gen.OneOf<byte>(0x00, 0x01, 0x05, 0x7D, 0x7E, 0x7F, 0x80, 0x81, 0x85, 0xFD, 0xFE, 0xFF),
                       Gen.Byte.Array[0, 30],
                       (b0, b1, rest) => new[] { b0, b1 }.Concat(rest).ToArray()).Array[1, 6].Select(parts => parts.SelectMany(p => p).ToArray())));

    /// <summary>A payload: random bytes, or for text a random string's UTF-8 (1- to 4-byte code points).</summary>
    private static Gen<byte[]> Payload(bool text, int max) => text
        ? Gen.String[Gen.Frequency((3, Gen.Char['a', 'z']), (1, Gen.Char['\u0080', '\u07FF']), (1, Gen.Char['\u0800', '\uD7FF']),
                (1, Gen.OneOf('€', '世', '\uFFFD')), (1, Gen.Const('\u00E9'))), 0, max / 3]
            .Select(Encoding.UTF8.GetBytes)
        : Gen.Byte.Array[0, max];

    /// <summary>
    /// A valid frame stream in <paramref name="role"/>'s direction (masked towards a server): messages of 1-3 fragments,
    /// text or binary, with pings and pongs between fragments, ending with a Close (or not).
    /// </summary>
    public static Gen<Frame[]> ValidStream(WebSocketRole role, int maxPayload = 300)
    {
        var masked = role == WebSocketRole.Server;
        var control = Gen.Select(Gen.OneOf(Opcode.Ping, Opcode.Pong), Gen.Int, Gen.Byte.Array[0, 125],
            (opcode, key, payload) => new Frame(opcode, true, masked, masked ? key : 0, payload));
        var message =
            from text in Gen.Bool
            from payload in Payload(text, maxPayload)
            from cuts in Gen.Int[0, payload.Length].Array[0, 2]
            from key in Gen.Int
            from controls in control.Array[0, 2]
            select Fragment(text, payload, cuts, masked ? key : 0, masked, controls);
        var close = Gen.Select(Gen.OneOf<ushort>(1000, 1001, 1011, 3000, 4999), Gen.String[Gen.Char['a', 'z'], 0, 20], Gen.Int,
            (code, reason, key) =>
            {
                var body = new byte[FrameReader.MaxControlPayloadLength];
                var length = ClosePayload.Write(body, code, reason);
                return new Frame(Opcode.Close, true, masked, masked ? key : 0, body[..length]);
            });
        return Gen.Select(message.Array[0, 4], Gen.Bool, close, (messages, closed, last) =>
        {
            var frames = messages.SelectMany(m => m);
            return closed ? frames.Append(last).ToArray() : frames.ToArray();
        });
    }

    /// <summary>A message cut into fragments at <paramref name="cuts"/> (which may split a code point), controls between.</summary>
    private static Frame[] Fragment(bool text, byte[] payload, int[] cuts, int key, bool masked, Frame[] controls)
    {
        var points = cuts.Order().Distinct().Where(c => c > 0 && c < payload.Length).ToList();
        var frames = new List<Frame>();
        var start = 0;
        for (var i = 0; i <= points.Count; i++)
        {
            var end = i < points.Count ? points[i] : payload.Length;
            var opcode = i == 0 ? (text ? Opcode.Text : Opcode.Binary) : Opcode.Continuation;
            frames.Add(new Frame(opcode, i == points.Count, masked, masked ? key + i : 0, payload[start..end]));
            if (i < controls.Length && i < points.Count)
            {
                frames.Add(controls[i]);
            }

            start = end;
        }

        return [.. frames];
    }
}
