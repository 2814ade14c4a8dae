using System.Runtime.CompilerServices;
using Relay.Core.Framing;
using Relay.Core.Hosting;
using Relay.Core.Transport;

namespace Relay.Load;

/// <summary>
/// One client connection of the load generator: a WebSocket (ws://, wss://) with a minimal client framer, or raw TCP
/// (tcp://). Sends come from one pre-sized buffer with room for the header in front of the payload, and receives
/// count payload in one pre-sized buffer, so a message costs no allocation and the generator is not the bottleneck.
/// </summary>
internal sealed class LoadConnection : IAsyncDisposable
{
    private const int HeaderRoom = FrameReader.MaxHeaderLength;
    /// <summary>Receive buffer for bulk workloads: a few socket reads' worth, so a read is rarely cut short.</summary>
    public const int BulkReceiveBufferSize = 256 * 1024;

    /// <summary>Receive buffer for small echoes (churn, idle): tens of thousands of sessions must stay cheap.</summary>
    public const int SmallReceiveBufferSize = 512;

    private readonly ByteEndpoint _endpoint;
    private readonly bool _webSocket;
    private readonly byte[] _send;
    private readonly byte[] _receive;
    private readonly byte[] _close = new byte[HeaderRoom + 2];
    private int _start;
    private int _end;
    private long _frameRemaining;
    private bool _frameIsData;
    private bool _frameIsClose;
    private bool _closeReceived;
    private uint _maskState;

    private LoadConnection(ByteEndpoint endpoint, bool webSocket, ReadOnlyMemory<byte> prefix, int messageSize, int receiveBufferSize)
    {
        _receive = GC.AllocateUninitializedArray<byte>(Math.Max(receiveBufferSize, prefix.Length + HeaderRoom));
        _endpoint = endpoint;
        _webSocket = webSocket;
        _send = new byte[HeaderRoom + messageSize];
        Random.Shared.NextBytes(_send);
        prefix.Span.CopyTo(_receive);
        _end = prefix.Length;
        _maskState = (uint)Random.Shared.Next() | 1;
    }

    /// <summary>The largest payload <see cref="SendAsync"/> takes.</summary>
    public int MessageSize => _send.Length - HeaderRoom;

    /// <summary>True once a Close frame (ws) or EOF arrived.</summary>
    public bool PeerClosed { get; private set; }

    /// <summary>Connects and, for ws:// and wss://, completes the upgrade.</summary>
    public static async Task<LoadConnection> ConnectAsync(Uri url, ClientOptions client, int messageSize, int receiveBufferSize, CancellationToken cancellationToken)
    {
        if (url.Scheme is "ws" or "wss")
        {
            var (endpoint, prefix) = await WebSocketConnector.ConnectAsync(url, client, cancellationToken).ConfigureAwait(false);
            return new LoadConnection(endpoint, webSocket: true, prefix, messageSize, receiveBufferSize);
        }

        if (url.Scheme != "tcp")
        {
            throw new ArgumentException($"unsupported scheme '{url.Scheme}': use ws://, wss:// or tcp://", nameof(url));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(client.ConnectTimeout);
        var socket = await TcpDialer.ConnectAsync(url.IdnHost, url.Port, client.LocalAddress, timeout.Token).ConfigureAwait(false);
        return new LoadConnection(new SocketEndpoint(socket), webSocket: false, default, messageSize, receiveBufferSize);
    }

    /// <summary>Sends one message of <paramref name="length"/> bytes: one masked binary frame with a fresh key (ws), or raw bytes (tcp).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendAsync(int length, CancellationToken cancellationToken)
    {
        if (!_webSocket)
        {
            await _endpoint.WriteAsync(_send.AsMemory(HeaderRoom, length), cancellationToken).ConfigureAwait(false);
            return;
        }

        var offset = WriteFrame(_send, Opcode.Binary, length);
        await _endpoint.WriteAsync(_send.AsMemory(offset, HeaderRoom - offset + length), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends this side: a Close 1000 (ws) or Shutdown(Send) (tcp). Then read until <see cref="PeerClosed"/>.</summary>
    public async ValueTask CloseSendAsync(CancellationToken cancellationToken)
    {
        if (!_webSocket)
        {
            await _endpoint.ShutdownSendAsync().ConfigureAwait(false);
            return;
        }

        ClosePayload.Write(_close.AsSpan(HeaderRoom), CloseStatus.NormalClosure, default);
        var offset = WriteFrame(_close, Opcode.Close, 2);
        await _endpoint.WriteAsync(_close.AsMemory(offset, HeaderRoom - offset + 2), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads until some payload has arrived and returns how many bytes (unframed for ws); 0 when the peer closed (a
    /// Close frame or EOF). Ping and Pong frames are skipped. The payload itself is not kept.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> ReceiveAsync(CancellationToken cancellationToken)
    {
        if (!_webSocket)
        {
            if (PeerClosed)
            {
                return 0;
            }

            var read = await _endpoint.ReadAsync(_receive, cancellationToken).ConfigureAwait(false);
            PeerClosed = read == 0;
            return read;
        }

        while (true)
        {
            var payload = ConsumeBuffered();
            if (payload > 0)
            {
                return payload;
            }

            if (_closeReceived || PeerClosed)
            {
                PeerClosed = true;
                return 0;
            }

            if (_start == _end)
            {
                _start = _end = 0;
            }
            else if (_end == _receive.Length)
            {
                // A partial header at the end of the buffer: move it to the front.
                Buffer.BlockCopy(_receive, _start, _receive, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            var read = await _endpoint.ReadAsync(_receive.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                PeerClosed = true;
                return 0;
            }

            _end += read;
        }
    }

    /// <summary>Reads until exactly <paramref name="length"/> payload bytes arrived; false if the peer closed first.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> ReceiveExactlyAsync(int length, CancellationToken cancellationToken)
    {
        var received = 0;
        while (received < length)
        {
            var read = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return false;
            }

            received += read;
        }

        return true;
    }

    /// <summary>Reads and discards until the peer has closed; returns the payload bytes seen on the way.</summary>
    public async Task<long> DrainAsync(CancellationToken cancellationToken)
    {
        long total = 0;
        int read;
        while ((read = await ReceiveAsync(cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
        }

        return total;
    }

    /// <summary>Walks the buffered bytes: frame headers and payload. Returns the data payload bytes passed over.</summary>
    private int ConsumeBuffered()
    {
        var payload = 0;
        while (_start < _end && !_closeReceived)
        {
            if (_frameRemaining > 0)
            {
                var take = (int)Math.Min(_frameRemaining, _end - _start);
                _start += take;
                _frameRemaining -= take;
                if (_frameIsData)
                {
                    payload += take;
                }

                // The Close frame's body is not read: whatever it says, the peer has closed.
                _closeReceived = _frameIsClose && _frameRemaining == 0;
                continue;
            }

            var status = FrameReader.TryReadHeader(_receive.AsSpan(_start, _end - _start), WebSocketRole.Client, out var header, out var code);
            if (status == FrameReadStatus.NeedMoreData)
            {
                break;
            }

            if (status == FrameReadStatus.ProtocolError)
            {
                throw new IOException($"the server sent a bad frame header (close code {code})");
            }

            _start += header.HeaderLength;
            _frameRemaining = header.PayloadLength;
            _frameIsData = !header.IsControl;
            _frameIsClose = header.Opcode == Opcode.Close;
            _closeReceived = _frameIsClose && _frameRemaining == 0;
        }

        return payload;
    }

    /// <summary>Writes a masked header just in front of the payload at <see cref="HeaderRoom"/>, masks the payload in
    /// place with a fresh key, and returns where the frame starts.</summary>
    private int WriteFrame(byte[] buffer, Opcode opcode, int length)
    {
        // xorshift32: a new key per frame without a syscall or an allocation. RFC 6455 §5.3 wants keys a proxy cannot
        // predict; this is a load generator against our own relay, where cheapness is what matters.
        var x = _maskState;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        _maskState = x;
        var key = (int)x;
        var headerLength = FrameWriter.GetHeaderLength(length, masked: true);
        var offset = HeaderRoom - headerLength;
        FrameWriter.WriteHeader(buffer.AsSpan(offset), opcode, fin: true, length, masked: true, key);
        Mask.Apply(buffer.AsSpan(HeaderRoom, length), key, 0);
        return offset;
    }

    /// <summary>Closes the connection abortively (a failed or abandoned session).</summary>
    public void Abort() => _endpoint.Abort();

    public ValueTask DisposeAsync() => _endpoint.DisposeAsync();
}
