using System.Net.Sockets;
using System.Security.Authentication;
using Relay.Core.Framing;
using Relay.Core.Transport;

namespace Relay.Core.Relaying;

public sealed partial class RelaySession
{
    // Where control-frame payload starts in _controlFrame: after the longest control header (2 bytes + 4 of mask).
    private const int ControlPayloadOffset = 6;

    /// <summary>
    /// Runs both directions and applies DESIGN.md §3: by default each direction runs to its own end (half-close);
    /// with -E the first end bounds the other by <see cref="RelayOptions.CloseTimeout"/>. Returns the result and
    /// goes back to the pool when every task it started has finished. One async method for the whole session, so
    /// an idle session keeps one state machine here rather than a chain of them (measured with dotnet-gcdump).
    /// </summary>
    private async Task<SessionResult> RunCoreAsync(ReadOnlyMemory<byte> prefix)
    {
        StartKeepAlive();
        var toWebSocket = ToWebSocketAsync();
        var fromWebSocket = FromWebSocketAsync(prefix);
        try
        {
            var first = await Task.WhenAny(toWebSocket, fromWebSocket).ConfigureAwait(false);
            if (first == toWebSocket)
            {
                if (await toWebSocket.ConfigureAwait(false) == ToWebSocketOutcome.Eof && !_closeReceived)
                {
                    // Our Close is out; the peer's answer (and any data before it) still flows to the byte side.
                    await WaitBoundedAsync(fromWebSocket, _options.ExitOnEof).ConfigureAwait(false);
                }
            }
            else if (await fromWebSocket.ConfigureAwait(false) == FromWebSocketOutcome.PeerClosed)
            {
                if (!_closeSent)
                {
                    // The byte side was half-closed after the last byte before the Close; its reply is relayed until
                    // it ends (or, with -E, until the close timeout), then the Close is echoed with the peer's code.
                    if (!await WaitBoundedAsync(toWebSocket, _options.ExitOnEof).ConfigureAwait(false))
                    {
                        await _cts.CancelAsync().ConfigureAwait(false);
                    }

                    await TrySendCloseAsync(_closeReceivedCode).ConfigureAwait(false);
                }
                else
                {
                    // A Close is out already, possibly the echo that the byte side's EOF is writing at this moment:
                    // let that write finish. Closing the socket under it lost the echo (the peer saw EOF without a
                    // Close) or, with the send still queued, made .NET reset the connection after a clean handshake.
                    await WaitBoundedAsync(toWebSocket, bounded: true).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            if ((_stopping.IsCancellationRequested || Volatile.Read(ref _failure) == (int)SessionEnding.IdleTimeout) && !_closeSent)
            {
                // The relay is shutting down, or the session sat idle: tell the peer it is going away (1001)
                // rather than vanishing.
                Fail(SessionEnding.Cancelled);
                await TrySendCloseAsync(CloseStatus.GoingAway).ConfigureAwait(false);
            }

            await _cts.CancelAsync().ConfigureAwait(false);
        }

        var result = BuildResult();
        var stopped = await StopAsync(toWebSocket, fromWebSocket).ConfigureAwait(false);
        if (stopped)
        {
            s_pool.Return(this);
        }

        return result;
    }

    /// <summary>Waits for <paramref name="task"/>, for at most the close timeout when <paramref name="bounded"/>.</summary>
    private async Task<bool> WaitBoundedAsync(Task task, bool bounded)
    {
        if (!bounded)
        {
            await task.ConfigureAwait(false);
            return true;
        }

        try
        {
            await task.WaitAsync(_options.CloseTimeout, _options.TimeProvider).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// Ends everything the session started and disposes both endpoints once. A direction blocked in a read that
    /// cannot be cancelled (stdin) is not waited for beyond a bound; then the instance is not reused.
    /// </summary>
    private async Task<bool> StopAsync(Task toWebSocket, Task fromWebSocket)
    {
        await StopKeepAliveAsync().ConfigureAwait(false);
        var failed = _failure is (int)SessionEnding.ByteSideError or (int)SessionEnding.PingTimeout;
        if (_failure is (int)SessionEnding.PingTimeout or (int)SessionEnding.ConnectionLost)
        {
            _webSocket.Abort();
        }

        if (failed)
        {
            _bytes.Abort();
        }

        var all = _pingTask is { } ping ? Task.WhenAll(toWebSocket, fromWebSocket, ping) : Task.WhenAll(toWebSocket, fromWebSocket);
        if (_bytes.CancelsPendingOperations)
        {
            // Both directions were cancelled: let them unwind before the endpoints close. .NET closes a socket that
            // still has an operation pending by resetting it (connect AF_UNSPEC), which the peer would see as an RST
            // after a clean close. (stdin from a terminal or file cannot be cancelled: it is closed under its read.)
            try
            {
                await all.WaitAsync(_options.CloseTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }

        // The byte side first: its peer sees the end now, not after the linger below.
        await _bytes.DisposeAsync().ConfigureAwait(false);
        if (all.IsCompleted && _closeSent && !_closeReceived && _failure is not ((int)SessionEnding.PingTimeout or (int)SessionEnding.ConnectionLost))
        {
            await LingerAsync().ConfigureAwait(false);
        }

        await _webSocket.DisposeAsync().ConfigureAwait(false);
        try
        {
            await all.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return false;
        }

        _cts.Dispose();
        return true;
    }

    /// <summary>
    /// Our Close went out but the peer's has not come, and nothing reads the WebSocket any more (idle timeout, shutdown,
    /// a protocol error). Closing now would reset the connection if anything the peer sent meanwhile (a pong, its
    /// Close) sits unread, and an RST can destroy our Close before the peer reads it. So: FIN after the Close, then
    /// read and discard until the peer closes too, until the close timeout since our Close has passed.
    /// </summary>
    private async ValueTask LingerAsync()
    {
        var left = _options.CloseTimeout - _options.TimeProvider.GetElapsedTime(_closeSentAt);
        if (_closeSentAt == 0 || left <= TimeSpan.Zero)
        {
            return; // the Close never left, or the peer has had its close timeout already
        }

        var buffer = _options.BufferPool.Rent(LingerBufferSize);
        using var timeout = new CancellationTokenSource(left, _options.TimeProvider);
        try
        {
            await _webSocket.ShutdownSendAsync().ConfigureAwait(false);
            while (await _webSocket.ReadAsync(buffer, timeout.Token).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException
            or InvalidOperationException or AuthenticationException)
        {
            // The peer did not close in time, reset, or TLS gave up after our close_notify: the session ends anyway.
        }
        finally
        {
            _options.BufferPool.Return(buffer);
        }
    }

    private const int LingerBufferSize = 4096;

    private async ValueTask<FromWebSocketOutcome?> OnControlFrameAsync(Opcode opcode, ReadOnlyMemory<byte> payload)
    {
        switch (opcode)
        {
            case Opcode.Ping:
                // RFC 6455 §5.5.3: answer with a Pong carrying the same payload.
                return await TrySendControlAsync(Opcode.Pong, payload).ConfigureAwait(false) ? null : FromWebSocketOutcome.WebSocketLost;
            case Opcode.Close:
                var error = ClosePayload.TryParse(payload.Span, out var code, out var reason);
                if (error != 0)
                {
                    return await ProtocolErrorAsync(error).ConfigureAwait(false);
                }

                _closeReceivedCode = code;
                _closeReason = reason;
                _peerClosedFirst = !_closeSent;
                _closeReceived = true;

                // Every byte before the Close has been written (this loop is sequential): now the byte side's EOF.
                await _bytes.ShutdownSendAsync().ConfigureAwait(false);
                return FromWebSocketOutcome.PeerClosed;
            default:
                return null; // a Pong: its arrival already counted as life
        }
    }

    /// <summary>Sends a Close with <paramref name="code"/> unless one went out already; bounded by the close timeout.</summary>
    private async ValueTask TrySendCloseAsync(ushort code)
    {
        if (_closeSent)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(_options.CloseTimeout, _options.TimeProvider);
        try
        {
            await _sendLock.WaitAsync(timeout.Token).ConfigureAwait(false);
            try
            {
                if (_closeSent)
                {
                    return;
                }

                _closeSent = true;
                _closeSentCode = code;
                var length = ClosePayload.Write(_controlFrame.AsSpan(ControlPayloadOffset), code, default);
                await WriteControlLockedAsync(Opcode.Close, length, timeout.Token).ConfigureAwait(false);
                _closeSentAt = _options.TimeProvider.GetTimestamp();
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException || SocketErrors.IsConnectionLost(ex))
        {
            // The peer is gone or not reading: the Close cannot be delivered, the session ends anyway.
        }
    }

    /// <summary>Sends a Ping or Pong unless a Close went out; false when the WebSocket is gone.</summary>
    private async ValueTask<bool> TrySendControlAsync(Opcode opcode, ReadOnlyMemory<byte> payload)
    {
        var token = _cts.Token;
        try
        {
            await _sendLock.WaitAsync(token).ConfigureAwait(false);
            try
            {
                if (!_closeSent)
                {
                    payload.Span.CopyTo(_controlFrame.AsSpan(ControlPayloadOffset));
                    await WriteControlLockedAsync(opcode, payload.Length, token).ConfigureAwait(false);
                }
            }
            finally
            {
                _sendLock.Release();
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
        catch (Exception ex) when (SocketErrors.IsConnectionLost(ex))
        {
            Fail(SessionEnding.ConnectionLost);
            return false;
        }
    }

    /// <summary>Frames the payload already at <see cref="ControlPayloadOffset"/> and writes it. Caller holds the send lock.</summary>
    private ValueTask WriteControlLockedAsync(Opcode opcode, int payloadLength, CancellationToken token)
    {
        var masked = _role == WebSocketRole.Client;
        var headerLength = FrameWriter.GetHeaderLength(payloadLength, masked);
        var start = ControlPayloadOffset - headerLength;
        var maskKey = masked ? NewMaskKey() : 0;
        FrameWriter.WriteHeader(_controlFrame.AsSpan(start), opcode, fin: true, payloadLength, masked, maskKey);
        if (masked)
        {
            Mask.Apply(_controlFrame.AsSpan(ControlPayloadOffset, payloadLength), maskKey, 0);
        }

        return _webSocket.WriteAsync(_controlFrame.AsMemory(start, headerLength + payloadLength), token);
    }
}
