using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Relay.Core.Framing;
using Relay.Core.Transport;

namespace Relay.Core.Relaying;

public sealed partial class RelaySession
{
    /// <summary>How the byte side → WebSocket direction ended.</summary>
    private enum ToWebSocketOutcome
    {
        /// <summary>The byte side reached EOF; everything read was sent and a Close went out.</summary>
        Eof,
        /// <summary>Reading the byte side failed; a Close 1011 went out.</summary>
        ByteSideFailed,
        /// <summary>Writing to the WebSocket failed: the connection is gone.</summary>
        WebSocketLost,
        Cancelled,
    }

    /// <summary>
    /// Byte side → WebSocket. Each read becomes one single-frame message. The buffer is rented only once a zero-byte
    /// read says data is there, the payload is read at offset 14, and the header is written just in front of it, so
    /// the bytes the kernel put in the buffer leave from that buffer in one send.
    /// </summary>
    private async Task<ToWebSocketOutcome> ToWebSocketAsync()
    {
        var token = _cts.Token;
        var masked = _role == WebSocketRole.Client;
        var pool = _options.BufferPool;
        byte[]? buffer = null;
        var busy = default(BusyTurns);
        var waited = false; // some read or write of this turn did not complete synchronously
        try
        {
            while (true)
            {
                if (busy.Next(waited))
                {
                    await Task.Yield();
                }

                waited = false;
                int read;
                try
                {
                    if (buffer is null && _bytes.SupportsZeroByteReads)
                    {
                        // Idle connections hold no buffer: wait for readability, then rent.
                        var waiting = _bytes.WaitForDataAsync(token);
                        waited |= !waiting.IsCompleted;
                        await waiting.ConfigureAwait(false);
                    }

                    buffer ??= pool.Rent(_options.BufferSize);
                    var reading = _bytes.ReadAsync(buffer.AsMemory(FrameReader.MaxHeaderLength, _options.MaxPayloadPerRead), token);
                    waited |= !reading.IsCompleted;
                    read = await reading.ConfigureAwait(false);
                }
                catch (Exception ex) when (IsCancellation(ex, token))
                {
                    return ToWebSocketOutcome.Cancelled;
                }
                catch (Exception ex) when (SocketErrors.IsConnectionLost(ex))
                {
                    Fail(SessionEnding.ByteSideError);
                    _bytes.Abort();
                    await TrySendCloseAsync(CloseStatus.InternalError).ConfigureAwait(false);
                    return ToWebSocketOutcome.ByteSideFailed;
                }

                if (read == 0)
                {
                    // EOF: echo the peer's code if it closed first, else a normal closure.
                    await TrySendCloseAsync(_closeReceived ? _closeReceivedCode : CloseStatus.NormalClosure).ConfigureAwait(false);
                    return ToWebSocketOutcome.Eof;
                }

                var headerLength = FrameWriter.GetHeaderLength(read, masked);
                var start = FrameReader.MaxHeaderLength - headerLength;
                var maskKey = masked ? NewMaskKey() : 0;
                FrameWriter.WriteHeader(buffer.AsSpan(start, headerLength), _options.MessageType, fin: true, read, masked, maskKey);
                if (masked)
                {
                    Mask.Apply(buffer.AsSpan(FrameReader.MaxHeaderLength, read), maskKey, 0);
                }

                try
                {
                    await _sendLock.WaitAsync(token).ConfigureAwait(false);
                    try
                    {
                        if (_closeSent)
                        {
                            // A Close already went out (protocol error, timeout): RFC 6455 §5.5.1 forbids more data.
                            return ToWebSocketOutcome.Cancelled;
                        }

                        var writing = _webSocket.WriteAsync(buffer.AsMemory(start, headerLength + read), token);
                        waited |= !writing.IsCompleted;
                        await writing.ConfigureAwait(false);
                    }
                    finally
                    {
                        _sendLock.Release();
                    }
                }
                catch (Exception ex) when (IsCancellation(ex, token))
                {
                    return ToWebSocketOutcome.Cancelled;
                }
                catch (Exception ex) when (SocketErrors.IsConnectionLost(ex))
                {
                    Fail(SessionEnding.ConnectionLost);
                    return ToWebSocketOutcome.WebSocketLost;
                }

                _bytesToWebSocket += read;
                OnData();
                InjectDelay();
                if (_bytes.SupportsZeroByteReads && read < _options.MaxPayloadPerRead)
                {
                    // A short read drained the source: return the buffer so an idle session holds nothing, and wait
                    // for data before renting again. A full read means a bulk stream: keep the buffer and read on,
                    // which saves the wait's extra syscall per message. A stream that stops exactly at a full read keeps
                    // its buffer until its next byte: rare, and one buffer at most.
                    var toReturn = buffer;
                    buffer = null;
                    pool.Return(toReturn);
                }
            }
        }
        finally
        {
            if (buffer is not null)
            {
                pool.Return(buffer);
            }
        }
    }

    /// <summary>The benchmark gate's self-test: burn <see cref="RelayOptions.InjectedDelayPerMessage"/>, if any.</summary>
    private void InjectDelay()
    {
        if (_options.InjectedDelayPerMessage > TimeSpan.Zero)
        {
            var until = Stopwatch.GetTimestamp() + (long)(_options.InjectedDelayPerMessage.TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < until)
            {
                Thread.SpinWait(20);
            }
        }
    }

    [SkipLocalsInit]
    private static int NewMaskKey()
    {
        // RFC 6455 §5.3: a fresh, unpredictable key for every frame.
        Span<byte> key = stackalloc byte[4];
        RandomNumberGenerator.Fill(key);
        return BitConverter.ToInt32(key);
    }

    private static bool IsCancellation(Exception exception, CancellationToken token) =>
        exception is OperationCanceledException || (token.IsCancellationRequested && exception is ObjectDisposedException or IOException or System.Net.Sockets.SocketException);
}
