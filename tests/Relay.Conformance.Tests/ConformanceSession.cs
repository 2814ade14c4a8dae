using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using Relay.Core.Framing;
using Relay.Testing;

namespace Relay.Conformance.Tests;

/// <summary>
/// One session through the relay under test: <see cref="Peer"/> is the WebSocket end the case controls (a raw client
/// when relay is the server, a raw server when relay is the client), <see cref="ByteSide"/> the plain TCP end (the
/// target, or the local client of the port forwarder). Every await is bounded by the case's timeout.
/// </summary>
public sealed class ConformanceSession(RawWebSocketPeer peer, Socket byteSide, CancellationToken timeout) : IAsyncDisposable
{
    public RawWebSocketPeer Peer { get; } = peer;

    public Socket ByteSide { get; } = byteSide;

    public CancellationToken Timeout { get; } = timeout;

    /// <summary>A frame as the peer sends it in its role (masked when it is the client), with RSV bits or'ed in.</summary>
    public byte[] Frame(Opcode opcode, ReadOnlySpan<byte> payload, bool fin = true, byte rsv = 0, bool? mask = null)
    {
        var frame = Peer.BuildFrame(opcode, payload, fin, mask);
        frame[0] |= rsv;
        return frame;
    }

    /// <summary>A raw opcode (reserved ones included) with a payload.</summary>
    public byte[] Frame(int opcode, ReadOnlySpan<byte> payload) => Frame((Opcode)opcode, payload);

    /// <summary>A Close frame with a code and a reason given as bytes (which need not be UTF-8).</summary>
    public byte[] CloseFrame(ushort code, ReadOnlySpan<byte> reason = default)
    {
        var payload = new byte[2 + reason.Length];
        BinaryPrimitives.WriteUInt16BigEndian(payload, code);
        reason.CopyTo(payload.AsSpan(2));
        return Frame(Opcode.Close, payload);
    }

    /// <summary>
    /// A header alone with a 64-bit length field of <paramref name="length"/> (masked as the role requires): the
    /// claimed payload never follows, so the relay must answer from the header.
    /// </summary>
    public byte[] HeaderOnly(Opcode opcode, ulong length, bool fin = true)
    {
        var masked = Peer.IsClient;
        var header = new byte[10 + (masked ? 4 : 0)];
        header[0] = (byte)((fin ? 0x80 : 0) | (byte)opcode);
        header[1] = (byte)((masked ? 0x80 : 0) | 127);
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(2), length);
        if (masked)
        {
            RandomNumberGenerator.Fill(header.AsSpan(10));
        }

        return header;
    }

    /// <summary>Sends the frames back to back in one write.</summary>
    public Task SendAsync(params byte[][] frames) => Peer.SendRawAsync(frames.SelectMany(f => f).ToArray(), Timeout);

    /// <summary>Sends <paramref name="bytes"/> in writes of 1 to <paramref name="maxWrite"/> bytes (seeded), each its own TCP segment.</summary>
    public async Task SendChoppedAsync(byte[] bytes, int maxWrite, int seed = 4)
    {
        var random = new Random(seed);
        for (var offset = 0; offset < bytes.Length;)
        {
            var length = Math.Min(random.Next(1, maxWrite + 1), bytes.Length - offset);
            await Peer.SendRawAsync(bytes.AsMemory(offset, length), Timeout);
            offset += length;
        }
    }

    /// <summary>The next frame the relay sends; fails at EOF. The peer has already checked the relay's masking.</summary>
    public async Task<RawFrame> ReadFrameAsync() =>
        await Peer.ReadFrameAsync(Timeout) ?? throw new EndOfStreamException("the relay closed the connection without sending a frame");

    public Task<byte[]> ReadByteSideAsync(int count) => ByteSide.ReadExactlyAsync(count, Timeout);

    /// <summary>The next frame is a Pong carrying <paramref name="payload"/>.</summary>
    public async Task ExpectPongAsync(byte[] payload)
    {
        var frame = await ReadFrameAsync();
        Assert.Equal(Opcode.Pong, frame.Opcode);
        Assert.True(frame.Fin);
        Assert.Equal(payload, frame.Payload);
    }

    /// <summary>
    /// Proves the relay sent nothing so far and the session is open: a Ping goes out and the very next frame must be
    /// its Pong (a Close or a stray frame before it fails the case).
    /// </summary>
    public async Task ExpectNothingSentAsync()
    {
        var sentinel = "sentinel ping"u8.ToArray();
        await SendAsync(Frame(Opcode.Ping, sentinel));
        await ExpectPongAsync(sentinel);
    }

    /// <summary>The next frame is a Close with <paramref name="code"/>; then the relay closes the connection.</summary>
    public async Task ExpectCloseAsync(ushort code)
    {
        var frame = await ReadFrameAsync();
        Assert.True(frame.Opcode == Opcode.Close, $"expected Close {code}, got {frame.Opcode} of {frame.Payload.Length} bytes");
        Assert.Equal(code, frame.CloseCode);
        if (frame.Payload.Length > 2)
        {
            Assert.True(System.Text.Unicode.Utf8.IsValid(frame.Payload.AsSpan(2)), "the close reason is not UTF-8");
        }

        await ExpectEofAsync();
    }

    /// <summary>The relay ends the WebSocket connection: no frame but EOF (or a reset) follows.</summary>
    public async Task ExpectEofAsync()
    {
        try
        {
            var frame = await Peer.ReadFrameAsync(Timeout);
            Assert.True(frame is null, $"expected EOF, got {frame?.Opcode} of {frame?.Payload.Length} bytes");
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
        }
    }

    /// <summary>The byte side receives exactly <paramref name="expected"/> and then EOF.</summary>
    public async Task ExpectByteSideEndAsync(byte[] expected)
    {
        var received = await ByteSide.ReadToEndAsyncOrReset(Timeout);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(received));
    }

    /// <summary>
    /// The hostile-case verdict: a Close with <paramref name="code"/>, the connection ended, and the byte side got
    /// exactly <paramref name="relayed"/> (what preceded the bad frame) and then EOF: nothing of the bad message.
    /// </summary>
    public async Task ExpectFailedAsync(ushort code, byte[] relayed)
    {
        await ExpectCloseAsync(code);
        await ExpectByteSideEndAsync(relayed);
    }

    /// <summary>
    /// A clean end started by the peer: Close 1000 goes out, the byte side gets EOF (nothing more), the byte side
    /// ends too, and the relay echoes 1000 and closes the connection.
    /// </summary>
    public async Task CloseNormallyAsync()
    {
        await SendAsync(CloseFrame(CloseStatus.NormalClosure));
        await ExpectByteSideEndAsync([]);
        ByteSide.Shutdown(SocketShutdown.Send);
        await ExpectCloseAsync(CloseStatus.NormalClosure);
    }

    public async ValueTask DisposeAsync()
    {
        await Peer.DisposeAsync();
        ByteSide.Dispose();
    }
}
