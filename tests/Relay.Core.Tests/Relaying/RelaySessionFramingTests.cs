using System.Net.Sockets;
using Relay.Core.Framing;
using Relay.Core.Relaying;
using Relay.Testing;

namespace Relay.Core.Tests.Relaying;

/// <summary>Frames as the pump meets them: fragments, control frames in between, protocol errors and their codes.</summary>
public sealed class RelaySessionFramingTests
{
    private static readonly RelayOptions s_options = new() { PingInterval = TimeSpan.Zero };

    [Fact]
    public async Task Pump_FragmentedTextWithPingBetweenFragments_RelaysPayloadAndAnswersPong()
    {
        var token = Loopback.Timeout();
        await using var h = await PumpHarness.StartAsync(s_options);
        // "héllo" split inside the two-byte é (C3 A9): the code point is cut across frames.
        var text = "héllo"u8.ToArray();
        await h.Peer.SendFrameAsync(Opcode.Text, text.AsSpan(0, 2), fin: false, cancellationToken: token);
        await h.Peer.SendFrameAsync(Opcode.Ping, "p1"u8, cancellationToken: token);
        await h.Peer.SendFrameAsync(Opcode.Continuation, text.AsSpan(2), fin: true, cancellationToken: token);

        var pong = await h.Peer.ReadFrameAsync(token);
        Assert.Equal(Opcode.Pong, pong!.Opcode);
        Assert.Equal("p1"u8.ToArray(), pong.Payload);
        Assert.Equal(text, await h.Target.ReadExactlyAsync(text.Length, token));
    }

    [Fact]
    public async Task Pump_ZeroLengthMessage_IsDataNotEof()
    {
        var token = Loopback.Timeout();
        await using var h = await PumpHarness.StartAsync(s_options);
        await h.Peer.SendFrameAsync(Opcode.Binary, ReadOnlySpan<byte>.Empty, cancellationToken: token);
        await h.Peer.SendFrameAsync(Opcode.Binary, "x"u8, cancellationToken: token);
        Assert.Equal("x"u8.ToArray(), await h.Target.ReadExactlyAsync(1, token));
        Assert.False(h.Session.IsCompleted);
    }

    [Fact]
    public async Task Pump_BytesPipelinedBehindHandshake_AreRelayedFirst()
    {
        var token = Loopback.Timeout();
        var peerShape = new RawWebSocketPeer(new Socket(SocketType.Stream, ProtocolType.Tcp), isClient: true);
        var bird = peerShape.BuildFrame(Opcode.Binary, "bird"u8);
        var prefix = peerShape.BuildFrame(Opcode.Binary, "early"u8).Concat(bird[..3]).ToArray();
        await using var h = await PumpHarness.StartAsync(s_options, prefix: prefix);

        // The first frame and a cut header came with the handshake; the rest follows on the socket.
        Assert.Equal("early"u8.ToArray(), await h.Target.ReadExactlyAsync(5, token));
        await h.Peer.SendRawAsync(bird.AsMemory(3), token);
        Assert.Equal("bird"u8.ToArray(), await h.Target.ReadExactlyAsync(4, token));
        await peerShape.DisposeAsync();
    }

    [Fact]
    public async Task Pump_ClientRole_MasksEveryFrameWithAFreshKeyAndAcceptsUnmaskedFrames()
    {
        var token = Loopback.Timeout();
        await using var h = await PumpHarness.StartAsync(s_options, role: WebSocketRole.Client);
        await h.Target.SendAllAsync("one"u8.ToArray(), token);
        var first = await h.Peer.ReadFrameAsync(token);
        await h.Target.SendAllAsync("two"u8.ToArray(), token);
        var second = await h.Peer.ReadFrameAsync(token);

        Assert.True(first!.Masked);
        Assert.True(second!.Masked);
        Assert.Equal("one"u8.ToArray(), first.Payload);
        Assert.Equal("two"u8.ToArray(), second.Payload);

        await h.Peer.SendFrameAsync(Opcode.Binary, "back"u8, cancellationToken: token);
        Assert.Equal("back"u8.ToArray(), await h.Target.ReadExactlyAsync(4, token));
    }

    [Fact]
    public async Task Pump_TextOption_SendsTextFrames()
    {
        var token = Loopback.Timeout();
        await using var h = await PumpHarness.StartAsync(s_options with { MessageType = Opcode.Text });
        await h.Target.SendAllAsync("hi"u8.ToArray(), token);
        var frame = await h.Peer.ReadFrameAsync(token);
        Assert.Equal(Opcode.Text, frame!.Opcode);
        Assert.True(frame.Fin);
    }

    public static TheoryData<string, byte[], ushort> HostileFrames => new()
    {
        // FIN=1, RSV1=1, Binary(0x2), MASK=1, len=0, key 00000000
        { "reserved bit", [0xC2, 0x80, 0, 0, 0, 0], CloseStatus.ProtocolError },
        // FIN=1, opcode 0x3 (reserved), MASK=1, len=0
        { "reserved opcode", [0x83, 0x80, 0, 0, 0, 0], CloseStatus.ProtocolError },
        // FIN=1, Binary, MASK=0, len=1, payload 'x': a server must reject unmasked client frames
        { "unmasked client frame", [0x82, 0x01, 0x78], CloseStatus.ProtocolError },
        // FIN=0, Ping(0x9), MASK=1, len=0: control frames must not be fragmented
        { "fragmented ping", [0x09, 0x80, 0, 0, 0, 0], CloseStatus.ProtocolError },
        // FIN=1, Ping, MASK=1, len=126 (extended 16-bit length 126): control payload over 125
        { "oversized ping", [0x89, 0xFE, 0x00, 0x7E, 0, 0, 0, 0], CloseStatus.ProtocolError },
        // FIN=1, Continuation(0x0), MASK=1, len=0: continuation with no message open
        { "continuation without start", [0x80, 0x80, 0, 0, 0, 0], CloseStatus.ProtocolError },
        // FIN=1, Binary, MASK=1, len=127, 64-bit length with the top bit set
        { "length top bit", [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], CloseStatus.ProtocolError },
        // FIN=1, Close, MASK=1, len=1: a one-byte close body
        { "one-byte close", [0x88, 0x81, 0, 0, 0, 0, 0x03], CloseStatus.ProtocolError },
        // FIN=1, Close, MASK=1, len=2, code 1005 (reserved, never on the wire)
        { "reserved close code", [0x88, 0x82, 0, 0, 0, 0, 0x03, 0xED], CloseStatus.ProtocolError },
        // FIN=1, Text, MASK=1, len=2, payload C3 28: invalid UTF-8
        { "invalid utf-8 text", [0x81, 0x82, 0, 0, 0, 0, 0xC3, 0x28], CloseStatus.InvalidPayloadData },
        // FIN=1, Text, MASK=1, len=1, payload C3: text message ending inside a code point
        { "truncated utf-8 text", [0x81, 0x81, 0, 0, 0, 0, 0xC3], CloseStatus.InvalidPayloadData },
        // FIN=1, Close, MASK=1, len=4, code 1000, reason FF FE: close reason not UTF-8
        { "invalid utf-8 close reason", [0x88, 0x84, 0, 0, 0, 0, 0x03, 0xE8, 0xFF, 0xFE], CloseStatus.InvalidPayloadData },
    };

    [Theory]
    [MemberData(nameof(HostileFrames))]
    public async Task Pump_HostileFrame_ClosesWithRfcCodeAndClosesTarget(string name, byte[] frame, ushort code)
    {
        var token = Loopback.Timeout();
        await using var h = await PumpHarness.StartAsync(s_options);
        await h.Peer.SendFrameAsync(Opcode.Binary, "ok"u8, cancellationToken: token);
        await h.Peer.SendRawAsync(frame, token);

        await AssertClosedAfterDeliveringOkAsync(h, name, code, token);
    }

    [Theory]
    [MemberData(nameof(HostileFrames))]
    public async Task Pump_HostileFrameInTheSameReadAsData_DeliversTheDataFirst(string name, byte[] frame, ushort code)
    {
        // Data frames and the bad frame in one write, so one read: the payload gathered for the byte side's write is
        // written before the error is answered.
        var token = Loopback.Timeout();
        await using var h = await PumpHarness.StartAsync(s_options);
        byte[] oneWrite = [.. h.Peer.BuildFrame(Opcode.Binary, "o"u8), .. h.Peer.BuildFrame(Opcode.Binary, "k"u8), .. frame];
        await h.Peer.SendRawAsync(oneWrite, token);

        await AssertClosedAfterDeliveringOkAsync(h, name, code, token);
    }

    /// <summary>The hostile frame is answered with its close code, after "ok" reached the target; then the session ends.</summary>
    private static async Task AssertClosedAfterDeliveringOkAsync(PumpHarness h, string name, ushort code, CancellationToken token)
    {
        var close = await h.Peer.ReadFrameAsync(token);
        Assert.True(close is { Opcode: Opcode.Close }, name);
        Assert.Equal(code, close!.CloseCode);

        // What came before the bad frame was delivered, then the target is closed. Text streams through, so the
        // valid-so-far start of a code point that the message end then cuts (C3) has already gone on.
        byte[] expected = name == "truncated utf-8 text" ? [.. "ok"u8, 0xC3] : "ok"u8.ToArray();
        Assert.Equal(expected, await h.Target.ReadToEndAsync(token));
        h.Peer.Socket.Shutdown(SocketShutdown.Send); // no need to wait out the relay's close timeout
        Assert.Equal(SessionEnding.ProtocolError, (await h.EndAsync()).Ending);
        h.AssertBuffersReturned();
    }

    [Fact]
    public async Task Pump_ManyFramesPingAndCloseInOneWrite_DeliversEveryPayloadInOrderThenHalfCloses()
    {
        // Frames of every header size, text and fragments, a ping between them and the Close, in one write: the target
        // gets exactly the payloads in order (gathered into few writes), the peer its Pong, then the target EOF.
        var token = Loopback.Timeout();
        await using var h = await PumpHarness.StartAsync(s_options);
        var random = new Random(6455);
        var wire = new MemoryStream();
        var expected = new MemoryStream();
        foreach (var size in new[] { 1, 0, 125, 126, 5_000, 65_535, 65_536, 70_000, 3 })
        {
            var payload = new byte[size];
            random.NextBytes(payload);
            expected.Write(payload);
            wire.Write(h.Peer.BuildFrame(Opcode.Binary, payload));
        }

        wire.Write(h.Peer.BuildFrame(Opcode.Ping, "p"u8));
        wire.Write(h.Peer.BuildFrame(Opcode.Text, "héllo "u8, fin: false));
        wire.Write(h.Peer.BuildFrame(Opcode.Continuation, "wörld"u8));
        expected.Write("héllo wörld"u8);
        wire.Write(h.Peer.BuildFrame(Opcode.Close, [0x03, 0xE8]));
        await h.Peer.SendRawAsync(wire.ToArray(), token);

        Assert.Equal(expected.ToArray(), await h.Target.ReadToEndAsync(token));
        var pong = await h.Peer.ReadFrameAsync(token);
        Assert.Equal(Opcode.Pong, pong!.Opcode);
        Assert.Equal("p"u8.ToArray(), pong.Payload);
        h.Target.Shutdown(SocketShutdown.Send);
        var close = await h.Peer.ReadFrameAsync(token);
        Assert.Equal(CloseStatus.NormalClosure, close!.CloseCode);
        await h.EndAsync();
        h.AssertBuffersReturned();
    }

    [Fact]
    public async Task Pump_InjectedDelay_AppliesToEveryMessageOfAGatheredRead()
    {
        // The benchmark gate's deliberate slowdown is per message, also when one read brings several: four messages
        // in one write cannot arrive before four delays have passed (a lower bound on a busy wait, not a speed).
        var token = Loopback.Timeout();
        var delay = TimeSpan.FromMilliseconds(50);
        await using var h = await PumpHarness.StartAsync(s_options with { InjectedDelayPerMessage = delay });
        byte[] oneWrite = [.. h.Peer.BuildFrame(Opcode.Binary, "a"u8), .. h.Peer.BuildFrame(Opcode.Binary, "b"u8),
            .. h.Peer.BuildFrame(Opcode.Binary, "c"u8), .. h.Peer.BuildFrame(Opcode.Binary, "d"u8)];
        var started = System.Diagnostics.Stopwatch.GetTimestamp();

        await h.Peer.SendRawAsync(oneWrite, token);
        var received = await h.Target.ReadExactlyAsync(4, token);

        Assert.Equal("abcd"u8.ToArray(), received);
        Assert.True(System.Diagnostics.Stopwatch.GetElapsedTime(started) >= 4 * delay);
    }

    [Fact]
    public async Task Pump_MessageOverLimit_ClosesWith1009()
    {
        var token = Loopback.Timeout();
        await using var h = await PumpHarness.StartAsync(s_options with { MaxMessageSize = 1000 });
        await h.Peer.SendFrameAsync(Opcode.Binary, new byte[600], fin: false, cancellationToken: token);
        await h.Peer.SendFrameAsync(Opcode.Continuation, new byte[600], fin: true, cancellationToken: token);
        var close = await h.Peer.ReadFrameAsync(token);
        Assert.Equal(CloseStatus.MessageTooBig, close!.CloseCode);
    }

    [Fact]
    public async Task Pump_LargeFrame_StreamsThroughWithoutWaitingForItsEnd()
    {
        // A 10 MB frame whose header claims more than has arrived: the first part reaches the target anyway.
        var token = Loopback.Timeout();
        await using var h = await PumpHarness.StartAsync(s_options);
        var frame = h.Peer.BuildFrame(Opcode.Binary, RelaySessionCloseTests.RandomNumberGenerator(10_000_000));
        await h.Peer.SendRawAsync(frame.AsMemory(0, 1_000_000), token);
        var firstPart = await h.Target.ReadExactlyAsync(1_000_000 - 14, token);
        Assert.Equal(1_000_000 - 14, firstPart.Length);
        Assert.True(h.Pool.PeakOutstandingBytes <= 2 * RelayOptions.DefaultBufferSize);
    }
}
