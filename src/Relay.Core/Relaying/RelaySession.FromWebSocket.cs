using System.Diagnostics;
using Relay.Core.Framing;
using Relay.Core.Transport;

namespace Relay.Core.Relaying;

public sealed partial class RelaySession
{
    /// <summary>How the WebSocket → byte side direction ended.</summary>
    private enum FromWebSocketOutcome
    {
        /// <summary>A Close arrived; every byte before it was written and the byte side was half-closed.</summary>
        PeerClosed,
        /// <summary>The peer broke the protocol; a Close with the RFC code went out.</summary>
        ProtocolError,
        /// <summary>The WebSocket connection ended or failed without a Close frame.</summary>
        WebSocketLost,
        /// <summary>Writing to the byte side failed; a Close 1011 went out.</summary>
        ByteSideFailed,
        Cancelled,
    }

    /// <summary>
    /// WebSocket → byte side. Payload streams through: whatever part of a frame has arrived is unmasked and written
    /// to the byte side from the buffer it was read into; a frame is never buffered whole. The data frames of one read
    /// leave in one write: a masked payload is unmasked and moved down over the headers in front of it in the same
    /// pass (<see cref="Mask.ApplyTo"/>), so a read that brings several frames costs one write, not one per frame.
    /// Only a header or a control frame cut at the end of a read (at most 14 + 125 bytes) is moved to the front
    /// before the next read.
    /// </summary>
    private async Task<FromWebSocketOutcome> FromWebSocketAsync(ReadOnlyMemory<byte> prefix)
    {
        var token = _cts.Token;
        var pool = _options.BufferPool;
        byte[]? buffer = null;
        int start = 0, end = 0;
        var message = default(MessageState);
        var header = default(FrameHeader);
        long frameRemaining = 0;
        var inFrame = false;
        var maskOffset = 0;
        int gathered = 0, gatheredLength = 0; // unmasked payload in buffer[gathered..], waiting for its write
        var lastReadFilled = false; // the last read filled all the room it had: a bulk stream, more is waiting
        var busy = default(BusyTurns);
        var waited = false; // some read or write of this turn did not complete synchronously
        if (!prefix.IsEmpty)
        {
            buffer = pool.Rent(Math.Max(ReceiveBufferSize, prefix.Length));
            prefix.CopyTo(buffer);
            end = prefix.Length;
        }

        try
        {
            while (true)
            {
                // 1. Consume what is buffered: payload (gathered for one write), headers, whole control frames.
                ushort failure = 0; // a protocol error found: answered once the payload before it is written
                var writeFirst = false; // stopped at something that must wait for the gathered payload's write
                while (start < end)
                {
                    if (!inFrame)
                    {
                        var status = FrameReader.TryReadHeader(buffer.AsSpan(start, end - start), _role, out header, out var code);
                        if (status == FrameReadStatus.NeedMoreData)
                        {
                            break;
                        }

                        if (gatheredLength > 0 && (status == FrameReadStatus.ProtocolError || header.IsControl || !header.Masked))
                        {
                            // A control frame (a Close must find every byte before it written), an error, or an unmasked
                            // frame, whose payload cannot join without a copy: write what is gathered, then come back.
                            writeFirst = true;
                            break;
                        }

                        if (status == FrameReadStatus.ProtocolError || (code = message.OnHeader(header, _options.MaxMessageSize)) != 0)
                        {
                            failure = code;
                            break;
                        }

                        if (header.IsControl)
                        {
                            if (end - start < header.HeaderLength + header.PayloadLength)
                            {
                                break; // a control frame is handled whole: wait for the rest of it (≤ 125 bytes)
                            }

                            var payload = buffer.AsMemory(start + header.HeaderLength, (int)header.PayloadLength);
                            start += header.HeaderLength + (int)header.PayloadLength;
                            if (header.Masked)
                            {
                                Mask.Apply(payload.Span, header.MaskKey, 0);
                            }

                            var outcome = await OnControlFrameAsync(header.Opcode, payload).ConfigureAwait(false);
                            if (outcome is { } done)
                            {
                                return done;
                            }

                            continue;
                        }

                        start += header.HeaderLength;
                        frameRemaining = header.PayloadLength;
                        maskOffset = 0;
                        inFrame = true;
                    }

                    var chunkLength = (int)Math.Min(frameRemaining, end - start);
                    if (gatheredLength == 0 && chunkLength < frameRemaining && chunkLength <= FrameReader.MaxHeaderLength && IsBulkFrame(header))
                    {
                        // A sliver of a big frame behind its header, with nothing else to write: leave it masked in the
                        // buffer and write it with the rest of the frame, one write instead of a tiny one and a big one.
                        break;
                    }

                    if (chunkLength > 0)
                    {
                        // Masked payload joins the gathered bytes, moved down over the header(s) between them. An
                        // unmasked frame's header found bytes gathered and wrote them first (above), so it stays put.
                        var to = gatheredLength == 0 ? start : gathered + gatheredLength;
                        Debug.Assert(header.Masked || to == start, "unmasked payload is never moved");
                        var chunk = buffer.AsSpan(to, chunkLength);
                        if (header.Masked)
                        {
                            maskOffset = Mask.ApplyTo(buffer.AsSpan(start, chunkLength), chunk, header.MaskKey, maskOffset);
                        }

                        if (!message.OnPayload(chunk))
                        {
                            failure = CloseStatus.InvalidPayloadData;
                            break;
                        }

                        gathered = to - gatheredLength;
                        gatheredLength += chunkLength;
                        start += chunkLength;
                        frameRemaining -= chunkLength;
                    }

                    if (frameRemaining == 0)
                    {
                        inFrame = false;
                        InjectDelay();
                        if ((failure = message.OnFrameEnd(header.Fin)) != 0)
                        {
                            break;
                        }
                    }
                }

                // 2. Write what step 1 gathered, then answer an error or go back for what waited for the write.
                if (gatheredLength > 0)
                {
                    try
                    {
                        var writing = _bytes.WriteAsync(buffer.AsMemory(gathered, gatheredLength), token);
                        waited |= !writing.IsCompleted;
                        await writing.ConfigureAwait(false);
                    }
                    catch (Exception ex) when (IsCancellation(ex, token))
                    {
                        return FromWebSocketOutcome.Cancelled;
                    }
                    catch (Exception ex) when (SocketErrors.IsConnectionLost(ex))
                    {
                        Fail(SessionEnding.ByteSideError);
                        _bytes.Abort();
                        await TrySendCloseAsync(CloseStatus.InternalError).ConfigureAwait(false);
                        return FromWebSocketOutcome.ByteSideFailed;
                    }

                    _bytesFromWebSocket += gatheredLength;
                    gatheredLength = 0;
                    OnData();
                }

                if (failure != 0)
                {
                    return await ProtocolErrorAsync(failure).ConfigureAwait(false);
                }

                if (writeFirst)
                {
                    continue;
                }

                // 3. Make room: keep an unfinished header or control frame, drop what was consumed.
                if (start == end)
                {
                    start = end = 0;
                    if (buffer is not null && _webSocket.SupportsZeroByteReads && !lastReadFilled)
                    {
                        // Drained: return the buffer so an idle session holds nothing. While a bulk stream keeps
                        // filling it, keep it and skip the wait's extra syscall per read.
                        var toReturn = buffer;
                        buffer = null;
                        pool.Return(toReturn);
                    }
                }
                else if (start > 0)
                {
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    end -= start;
                    start = 0;
                }

                // 4. Read more. An idle session waits with a zero-byte read and holds no buffer.
                if (busy.Next(waited))
                {
                    await Task.Yield();
                }

                waited = false;
                int read;
                try
                {
                    if (buffer is null)
                    {
                        if (_webSocket.SupportsZeroByteReads)
                        {
                            var waiting = _webSocket.WaitForDataAsync(token);
                            waited |= !waiting.IsCompleted;
                            await waiting.ConfigureAwait(false);
                        }

                        buffer = pool.Rent(ReceiveBufferSize);
                    }

                    // After step 3 at most an unfinished header, control frame or held sliver is buffered, so there is
                    // always room.
                    int room;
                    if (_role == WebSocketRole.Server)
                    {
                        // Masked frames (a client's) are gathered into one write however many a read brings: read as
                        // much as the array holds.
                        room = buffer.Length - end;
                    }
                    else
                    {
                        // Unmasked frames (a server's) cost a write each: reads stay within -B (plus two headers)
                        // even when the pool handed out a larger array, and inside a big frame they are aligned: the
                        // rest of this frame and the next header, so that a stream of big frames costs one read and
                        // one write per frame. Unaligned, a 64 KiB message (65,550 bytes framed) straddles every
                        // 64 KiB read and costs two writes per read.
                        room = Math.Min(buffer.Length, ReceiveBufferSize) - end;
                        if (inFrame && IsBulkFrame(header))
                        {
                            room = (int)Math.Min(room, frameRemaining - (end - start) + FrameReader.MaxHeaderLength);
                        }
                    }

                    var reading = _webSocket.ReadAsync(buffer.AsMemory(end, room), token);
                    waited |= !reading.IsCompleted;
                    read = await reading.ConfigureAwait(false);
                    lastReadFilled = read == room;
                }
                catch (Exception ex) when (IsCancellation(ex, token))
                {
                    return FromWebSocketOutcome.Cancelled;
                }
                catch (Exception ex) when (SocketErrors.IsConnectionLost(ex))
                {
                    Fail(SessionEnding.ConnectionLost);
                    return FromWebSocketOutcome.WebSocketLost;
                }

                if (read == 0)
                {
                    // EOF without a Close frame: 1006. Deliver nothing more; the byte side gets a clean EOF.
                    Fail(SessionEnding.ConnectionLost);
                    await _bytes.ShutdownSendAsync().ConfigureAwait(false);
                    return FromWebSocketOutcome.WebSocketLost;
                }

                end += read;
                Volatile.Write(ref _lastInbound, _options.TimeProvider.GetTimestamp());
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

    /// <summary>
    /// The receive buffer: -B plus room for two frame headers, so that a frame of -B bytes of payload and the header
    /// after it fit one read. (ArrayPool hands out the next power of two; only a session that is moving data holds it.)
    /// </summary>
    private int ReceiveBufferSize => _options.BufferSize + (2 * FrameReader.MaxHeaderLength);

    /// <summary>A frame worth aligning reads to: at least half a buffer of payload.</summary>
    private bool IsBulkFrame(in FrameHeader header) => header.PayloadLength >= _options.BufferSize / 2;

    private async ValueTask<FromWebSocketOutcome> ProtocolErrorAsync(ushort code)
    {
        Fail(SessionEnding.ProtocolError);
        await TrySendCloseAsync(code).ConfigureAwait(false);
        return FromWebSocketOutcome.ProtocolError;
    }
}
