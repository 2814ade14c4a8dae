using System.Net.Sockets;
using System.Text;
using Relay.Core.Framing;
using Relay.Core.Relaying;
using Relay.Testing;

namespace Relay.Core.Tests.Relaying;

/// <summary>DESIGN.md §3: EOF and close semantics in both modes and both directions.</summary>
public sealed class RelaySessionCloseTests
{
    private static readonly RelayOptions s_default = new() { PingInterval = TimeSpan.Zero };
    private static readonly RelayOptions s_exitOnEof = new() { PingInterval = TimeSpan.Zero, ExitOnEof = true, CloseTimeout = TimeSpan.FromSeconds(2) };

    [Fact]
    public async Task Pump_DefaultMode_ByteEofSendsCloseAndWebSocketDirectionKeepsFlowing()
    {
        var token = Loopback.Timeout();
        await using var h = await PumpHarness.StartAsync(s_default);
        await h.Target.SendAllAsync("abc"u8.ToArray(), token);
        h.Target.Shutdown(SocketShutdown.Send);

        Assert.Equal("abc"u8.ToArray(), await h.Peer.ReadDataAsync(3, token));
        var close = await h.Peer.ReadFrameAsync(token);
        Assert.Equal(Opcode.Close, close!.Opcode);
        Assert.Equal(CloseStatus.NormalClosure, close.CloseCode);

        // Half-close: the other direction still flows after our Close went out.
        await h.Peer.SendFrameAsync(Opcode.Binary, "late"u8, cancellationToken: token);
        Assert.Equal("late"u8.ToArray(), await h.Target.ReadExactlyAsync(4, token));
        Assert.False(h.Session.IsCompleted);

        await h.Peer.SendCloseAsync(CloseStatus.NormalClosure, cancellationToken: token);
        Assert.Empty(await h.Target.ReadToEndAsync(token));
        var result = await h.EndAsync();
        Assert.Equal(SessionEnding.Normal, result.Ending);
        Assert.Equal(3, result.BytesToWebSocket);
        Assert.Equal(4, result.BytesFromWebSocket);
        h.AssertBuffersReturned();
    }

    [Fact]
    public async Task Pump_DefaultMode_WebSocketCloseHalfClosesTargetAndRelaysItsReplyBeforeEcho()
    {
        var token = Loopback.Timeout();
        await using var h = await PumpHarness.StartAsync(s_default);
        await h.Peer.SendFrameAsync(Opcode.Binary, "request"u8, cancellationToken: token);
        await h.Peer.SendCloseAsync(CloseStatus.NormalClosure, cancellationToken: token);

        // The target gets every byte before the Close, then EOF.
        Assert.Equal("request"u8.ToArray(), await h.Target.ReadToEndAsync(token));

        // Its reply after that EOF still reaches the peer, and only then is the Close echoed.
        var reply = RandomNumberGenerator(100_000);
        await h.Target.SendAllAsync(reply, token);
        h.Target.Shutdown(SocketShutdown.Send);
        Assert.Equal(reply, await h.Peer.ReadDataAsync(reply.Length, token));
        var echo = await h.Peer.ReadFrameAsync(token);
        Assert.Equal(Opcode.Close, echo!.Opcode);
        Assert.Equal(CloseStatus.NormalClosure, echo.CloseCode);

        var result = await h.EndAsync();
        Assert.Equal(SessionEnding.Normal, result.Ending);
        Assert.True(result.PeerClosedFirst);
        h.AssertBuffersReturned();
    }

    /// <summary>
    /// The race the soak harness found (about 1 session in 100 under churn): the peer's Close half-closes the target,
    /// the target's EOF comes back at once and that direction starts writing the echo while the other direction is
    /// returning. Closing the socket under that write lost the echo (EOF without a Close) or, with the send still
    /// queued, made .NET reset the connection after a clean close handshake.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Pump_PeerCloseAndTargetEofRace_EchoArrivesThenCleanEof(bool exitOnEof)
    {
        var options = exitOnEof ? s_exitOnEof : s_default;
        var token = Loopback.Timeout(60);
        var failures = new List<string>();
        await Parallel.ForAsync(0, 1500, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = token }, async (i, ct) =>
        {
            await using var h = await PumpHarness.StartAsync(options, stopping: CancellationToken.None);
            var target = Task.Run(async () =>
            {
                // An echo server's ending: EOF in, then FIN out at once.
                Assert.Empty(await h.Target.ReadToEndAsync(ct));
                h.Target.Shutdown(SocketShutdown.Send);
            }, ct);
            await h.Peer.SendCloseAsync(CloseStatus.NormalClosure, cancellationToken: ct);
            string? failure = null;
            try
            {
                var echo = await h.Peer.ReadFrameAsync(ct);
                if (echo is not { Opcode: Opcode.Close, CloseCode: CloseStatus.NormalClosure })
                {
                    failure = $"session {i}: expected the Close echo 1000, got {(echo is null ? "EOF" : echo.Opcode.ToString())}";
                }
                else if (await h.Peer.ReadFrameAsync(ct) is { } extra)
                {
                    failure = $"session {i}: expected EOF after the echo, got {extra.Opcode}";
                }
            }
            catch (SocketException ex)
            {
                failure = $"session {i}: {ex.SocketErrorCode} instead of the echo and a clean EOF";
            }

            await target;
            Assert.Equal(SessionEnding.Normal, (await h.EndAsync()).Ending);
            if (failure is not null)
            {
                lock (failures)
                {
                    failures.Add(failure);
                }
            }
        });

        Assert.True(failures.Count == 0, $"{failures.Count} of 1500 sessions: {string.Join("; ", failures.Take(5))}");
    }

    [Fact]
    public async Task Pump_ExitOnEof_ByteEofFlushesEverythingThenClosesWithinCloseTimeout()
    {
        var token = Loopback.Timeout();
        await using var h = await PumpHarness.StartAsync(s_exitOnEof);
        var data = RandomNumberGenerator(1_000_000);
        await h.Target.SendAllAsync(data, token);
        h.Target.Shutdown(SocketShutdown.Send);

        Assert.Equal(data, await h.Peer.ReadDataAsync(data.Length, token));
        var close = await h.Peer.ReadFrameAsync(token);
        Assert.Equal(CloseStatus.NormalClosure, close!.CloseCode);

        // The peer never answers: the session still ends, bounded by the close timeout.
        var result = await h.EndAsync();
        Assert.Equal(data.Length, result.BytesToWebSocket);
        Assert.Equal(CloseStatus.NormalClosure, result.CloseSent);
        h.AssertBuffersReturned();
    }

    [Fact]
    public async Task Pump_ExitOnEof_WebSocketCloseDeliversTailAndTargetReplyBeforeEcho()
    {
        // websocat -E drops the target's reply here; Relay must not (DESIGN.md §3).
        var token = Loopback.Timeout();
        await using var h = await PumpHarness.StartAsync(s_exitOnEof);
        var tail = RandomNumberGenerator(300_000);
        await h.Peer.SendFrameAsync(Opcode.Binary, tail, cancellationToken: token);
        await h.Peer.SendCloseAsync(CloseStatus.NormalClosure, cancellationToken: token);

        Assert.Equal(tail, await h.Target.ReadToEndAsync(token));
        var reply = RandomNumberGenerator(200_000);
        await h.Target.SendAllAsync(reply, token);
        h.Target.Shutdown(SocketShutdown.Send);

        Assert.Equal(reply, await h.Peer.ReadDataAsync(reply.Length, token));
        Assert.Equal(CloseStatus.NormalClosure, (await h.Peer.ReadFrameAsync(token))!.CloseCode);
        var result = await h.EndAsync();
        Assert.Equal(SessionEnding.Normal, result.Ending);
        Assert.Equal(tail.Length, result.BytesFromWebSocket);
        Assert.Equal(reply.Length, result.BytesToWebSocket);
        h.AssertBuffersReturned();
    }

    [Fact]
    public async Task Pump_ExitOnEof_TargetThatNeverEndsIsCutAfterCloseTimeoutAndCloseIsEchoed()
    {
        var token = Loopback.Timeout();
        await using var h = await PumpHarness.StartAsync(s_exitOnEof with { CloseTimeout = TimeSpan.FromMilliseconds(300) });
        await h.Peer.SendCloseAsync(CloseStatus.NormalClosure, cancellationToken: token);
        Assert.Empty(await h.Target.ReadToEndAsync(token));

        // The target keeps its side open; the echo still comes, bounded by the close timeout.
        Assert.Equal(CloseStatus.NormalClosure, (await h.Peer.ReadFrameAsync(token))!.CloseCode);
        await h.EndAsync();
        h.AssertBuffersReturned();
    }

    [Theory]
    [InlineData(CloseStatus.GoingAway, SessionEnding.Normal)]
    [InlineData(4001, SessionEnding.PeerClosedWithError)]
    [InlineData(CloseStatus.InternalError, SessionEnding.PeerClosedWithError)]
    public async Task Pump_ReceivedClose_IsEchoedWithItsCode(ushort code, SessionEnding ending)
    {
        var token = Loopback.Timeout();
        await using var h = await PumpHarness.StartAsync(s_default);
        await h.Peer.SendCloseAsync(code, "bye", token);
        Assert.Empty(await h.Target.ReadToEndAsync(token));
        h.Target.Shutdown(SocketShutdown.Send);

        var echo = await h.Peer.ReadFrameAsync(token);
        Assert.Equal(code, echo!.CloseCode);
        var result = await h.EndAsync();
        Assert.Equal(ending, result.Ending);
        Assert.Equal(code, result.CloseReceived);
        Assert.Equal("bye", result.CloseReason);
    }

    [Fact]
    public async Task Pump_CloseWithoutCode_IsEchoedWithoutCode()
    {
        var token = Loopback.Timeout();
        await using var h = await PumpHarness.StartAsync(s_default);
        await h.Peer.SendFrameAsync(Opcode.Close, ReadOnlySpan<byte>.Empty, cancellationToken: token);
        Assert.Empty(await h.Target.ReadToEndAsync(token));
        h.Target.Shutdown(SocketShutdown.Send);

        var echo = await h.Peer.ReadFrameAsync(token);
        Assert.Equal(Opcode.Close, echo!.Opcode);
        Assert.Empty(echo.Payload);
        Assert.Equal(SessionEnding.Normal, (await h.EndAsync()).Ending);
    }

    [Fact]
    public async Task Pump_TargetReset_ClosesWebSocketWith1011()
    {
        var token = Loopback.Timeout();
        await using var h = await PumpHarness.StartAsync(s_default);
        await h.Target.SendAllAsync("partial"u8.ToArray(), token);
        Assert.Equal("partial"u8.ToArray(), await h.Peer.ReadDataAsync(7, token));

        h.Target.LingerState = new LingerOption(true, 0);
        h.Target.Close(); // RST

        var close = await h.Peer.ReadFrameAsync(token);
        Assert.Equal(CloseStatus.InternalError, close!.CloseCode);
        var result = await h.EndAsync();
        Assert.Equal(SessionEnding.ByteSideError, result.Ending);
        h.AssertBuffersReturned();
    }

    [Fact]
    public async Task Pump_WebSocketLostWithoutClose_EndsAbnormallyAndTargetSeesEof()
    {
        var token = Loopback.Timeout();
        await using var h = await PumpHarness.StartAsync(s_default);
        await h.Peer.SendFrameAsync(Opcode.Binary, "last"u8, cancellationToken: token);
        h.Peer.Socket.Shutdown(SocketShutdown.Send);

        Assert.Equal("last"u8.ToArray(), await h.Target.ReadToEndAsync(token));
        var result = await h.EndAsync();
        Assert.Equal(SessionEnding.ConnectionLost, result.Ending);
        Assert.Contains("1006", result.Describe(), StringComparison.Ordinal);
        h.AssertBuffersReturned();
    }

    [Fact]
    public async Task Pump_ExternalStop_ClosesWith1001()
    {
        var token = Loopback.Timeout();
        using var stop = new CancellationTokenSource();
        await using var h = await PumpHarness.StartAsync(s_default, stopping: stop.Token);
        await h.Peer.SendFrameAsync(Opcode.Binary, "x"u8, cancellationToken: token);
        Assert.Equal("x"u8.ToArray(), await h.Target.ReadExactlyAsync(1, token));

        await stop.CancelAsync();
        Assert.Equal(CloseStatus.GoingAway, (await h.Peer.ReadFrameAsync(token))!.CloseCode);
        Assert.Equal(SessionEnding.Cancelled, (await h.EndAsync()).Ending);
    }

    internal static byte[] RandomNumberGenerator(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        return data;
    }

    /// <summary>
    /// The relay closes first (idle timeout, or the server stopping) while the peer is still sending: nobody reads the
    /// WebSocket any more, and closing the socket over unread bytes would reset the connection, which can destroy the
    /// 1001 before the peer reads it. The relay half-closes after its Close and discards until the peer closes.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Pump_RelayClosesFirstWhilePeerSends_PeerReadsTheCloseThenEofNotReset(bool idleTimeout)
    {
        var token = Loopback.Timeout();
        using var stopping = new CancellationTokenSource();
        var options = new RelayOptions
        {
            PingInterval = TimeSpan.Zero,
            IdleTimeout = idleTimeout ? TimeSpan.FromMilliseconds(300) : TimeSpan.Zero,
            CloseTimeout = TimeSpan.FromSeconds(10),
        };
        await using var h = await PumpHarness.StartAsync(options, stopping: stopping.Token);
        await h.Peer.SendFrameAsync(Opcode.Binary, "before"u8, cancellationToken: token);
        Assert.Equal("before"u8.ToArray(), await h.Target.ReadExactlyAsync(6, token));
        if (!idleTimeout)
        {
            await stopping.CancelAsync();
        }

        var close = await h.Peer.ReadFrameAsync(token);
        Assert.Equal(Opcode.Close, close!.Opcode);
        Assert.Equal(CloseStatus.GoingAway, close.CloseCode);

        // Bytes the relay will never read: before the fix they were unread at close and the peer got an RST.
        await h.Peer.SendFrameAsync(Opcode.Binary, new byte[1000], cancellationToken: token);
        await h.Peer.SendFrameAsync(Opcode.Pong, "late"u8, cancellationToken: token);
        Assert.Null(await h.Peer.ReadFrameAsync(token));
        Assert.False(h.Session.IsCompleted, "the relay closed before the peer did");

        h.Peer.Socket.Shutdown(SocketShutdown.Send);
        var result = await h.EndAsync();
        Assert.Equal(idleTimeout ? SessionEnding.IdleTimeout : SessionEnding.Cancelled, result.Ending);
        Assert.Equal(6, result.BytesFromWebSocket);
        Assert.Empty(await h.Target.ReadToEndAsync(token));
        h.AssertBuffersReturned();
    }

    internal static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);
}
