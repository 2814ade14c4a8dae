using System.Net.Sockets;
using Relay.Core.Framing;
using Relay.Core.Hosting;
using Relay.Core.Transport;

namespace Relay.Soak.Client;

/// <summary>
/// The soak's WebSocket client on Relay.Core's connector and framing: sends masked binary messages and Close, reads
/// data, Close and EOF as <see cref="WsEvent"/>s, answers Pings with Pongs while it reads, and can vanish (RST or FIN
/// without a Close). Not reading is how it pauses. One reader and one writer at a time; writes are serialised so a
/// Pong never lands inside a data frame.
/// </summary>
public sealed class SoakClient : IAsyncDisposable
{
    private const int HeaderRoom = FrameReader.MaxHeaderLength;

    /// <summary>The largest message <see cref="SendAsync"/> sends in one frame.</summary>
    public const int MaxMessage = 64 * 1024;

    private readonly ByteEndpoint _endpoint;
    private readonly byte[] _receive;
    private readonly byte[] _send = new byte[HeaderRoom + MaxMessage];
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private int _start;
    private int _end;
    private long _frameRemaining;
    private bool _closeSent;

    private SoakClient(ByteEndpoint endpoint, ReadOnlyMemory<byte> prefix, int receiveBufferSize)
    {
        _endpoint = endpoint;
        _receive = new byte[Math.Max(receiveBufferSize, prefix.Length + 256)];
        prefix.Span.CopyTo(_receive);
        _end = prefix.Length;
    }

    public bool CloseSent => _closeSent;

    /// <summary>The client's local port: what the relay's log names as the session's remote.</summary>
    public int LocalPort { get; private init; }

    /// <summary>Connects and upgrades. Throws <see cref="WebSocketConnectException"/> (with HttpStatus on a refusal).</summary>
    public static async Task<SoakClient> ConnectAsync(Uri uri, int receiveBufferSize, CancellationToken cancellationToken)
    {
        var options = new ClientOptions { ConnectTimeout = TimeSpan.FromSeconds(10) };
        var (endpoint, prefix) = await WebSocketConnector.ConnectAsync(uri, options, cancellationToken);
        var port = endpoint is SocketEndpoint { Socket.LocalEndPoint: System.Net.IPEndPoint local } ? local.Port : 0;
        return new SoakClient(endpoint, prefix, receiveBufferSize) { LocalPort = port };
    }

    /// <summary>Sends <paramref name="payload"/> as masked binary frames of at most <see cref="MaxMessage"/> bytes.</summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            while (!payload.IsEmpty)
            {
                var length = Math.Min(payload.Length, MaxMessage);
                payload.Span[..length].CopyTo(_send.AsSpan(HeaderRoom));
                var offset = Frame(_send, Opcode.Binary, length);
                await _endpoint.WriteAsync(_send.AsMemory(offset, HeaderRoom - offset + length), cancellationToken);
                payload = payload[length..];
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Sends a Close frame with <paramref name="code"/>. Nothing is sent after it (RFC 6455 §5.5.1).</summary>
    public async ValueTask SendCloseAsync(ushort code, CancellationToken cancellationToken)
    {
        var frame = new byte[HeaderRoom + 2];
        ClosePayload.Write(frame.AsSpan(HeaderRoom), code, default);
        await WriteControlAsync(frame, Opcode.Close, 2, closing: true, cancellationToken);
    }

    /// <summary>
    /// Reads the next event. Pings are answered (until a Close was sent) and Pongs skipped inside. After a Close, EOF
    /// comes as <see cref="WsEventKind.Eof"/>; a reset as <see cref="WsEventKind.Reset"/>.
    /// </summary>
    public async ValueTask<WsEvent> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_start < _end)
            {
                if (_frameRemaining > 0)
                {
                    var take = (int)Math.Min(_frameRemaining, _end - _start);
                    var data = _receive.AsMemory(_start, take);
                    _start += take;
                    _frameRemaining -= take;
                    return new WsEvent(WsEventKind.Data, data, 0);
                }

                var status = FrameReader.TryReadHeader(_receive.AsSpan(_start, _end - _start), WebSocketRole.Client, out var header, out var code);
                if (status == FrameReadStatus.ProtocolError)
                {
                    throw new IOException($"the relay sent a bad frame header (close code {code})");
                }

                if (status != FrameReadStatus.NeedMoreData)
                {
                    if (!header.IsControl)
                    {
                        _start += header.HeaderLength;
                        _frameRemaining = header.PayloadLength;
                        continue;
                    }

                    var whole = header.HeaderLength + (int)header.PayloadLength;
                    if (_end - _start >= whole)
                    {
                        var body = _receive.AsMemory(_start + header.HeaderLength, (int)header.PayloadLength);
                        _start += whole;
                        if (header.Opcode == Opcode.Close)
                        {
                            ClosePayload.TryParse(body.Span, out var closeCode, out _);
                            return new WsEvent(WsEventKind.Close, default, closeCode);
                        }

                        if (header.Opcode == Opcode.Ping && !_closeSent)
                        {
                            await PongAsync(body, cancellationToken);
                        }

                        continue;
                    }
                }
            }

            if (_start == _end)
            {
                _start = _end = 0;
            }
            else if (_end == _receive.Length || _start > _receive.Length / 2)
            {
                // A partial header or control frame at the end: move it to the front.
                Buffer.BlockCopy(_receive, _start, _receive, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            int read;
            try
            {
                read = await _endpoint.ReadAsync(_receive.AsMemory(_end), cancellationToken);
            }
            catch (SocketException)
            {
                return new WsEvent(WsEventKind.Reset, default, 0);
            }

            if (read == 0)
            {
                return new WsEvent(WsEventKind.Eof, default, 0);
            }

            _end += read;
        }
    }

    /// <summary>Drops the connection without a Close frame: RST (linger 0) or a plain FIN and close.</summary>
    public async ValueTask VanishAsync(bool reset)
    {
        if (reset)
        {
            _endpoint.Abort();
        }
        else
        {
            await _endpoint.ShutdownSendAsync();
        }

        await _endpoint.DisposeAsync();
    }

    /// <summary>Closes the connection abortively (a failed session).</summary>
    public void Abort() => _endpoint.Abort();

    public async ValueTask DisposeAsync()
    {
        await _endpoint.DisposeAsync();
        _writeLock.Dispose();
    }

    private async ValueTask PongAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var frame = new byte[HeaderRoom + body.Length];
        body.Span.CopyTo(frame.AsSpan(HeaderRoom));
        await WriteControlAsync(frame, Opcode.Pong, body.Length, closing: false, cancellationToken);
    }

    private async ValueTask WriteControlAsync(byte[] frame, Opcode opcode, int length, bool closing, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            if (_closeSent)
            {
                return;
            }

            _closeSent = closing;
            var offset = Frame(frame, opcode, length);
            await _endpoint.WriteAsync(frame.AsMemory(offset, HeaderRoom - offset + length), cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Writes a masked header in front of the payload at <see cref="HeaderRoom"/>, masks the payload in place
    /// with a fresh key, and returns where the frame starts.</summary>
    private static int Frame(byte[] buffer, Opcode opcode, int length)
    {
        var key = Random.Shared.Next() | 1;
        var headerLength = FrameWriter.GetHeaderLength(length, masked: true);
        var offset = HeaderRoom - headerLength;
        FrameWriter.WriteHeader(buffer.AsSpan(offset), opcode, fin: true, length, masked: true, key);
        Mask.Apply(buffer.AsSpan(HeaderRoom, length), key, 0);
        return offset;
    }
}
