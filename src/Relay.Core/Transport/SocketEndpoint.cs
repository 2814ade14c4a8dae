using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Relay.Core.Transport;

/// <summary>
/// A connected TCP (or Unix) socket as a <see cref="ByteEndpoint"/>.
/// </summary>
/// <remarks>
/// Why pooled buffers on <see cref="Socket"/> rather than System.IO.Pipelines: a relay moves each buffer from one
/// socket to another exactly once. Socket.ReceiveAsync/SendAsync with Memory&lt;byte&gt; reuse one cached awaitable
/// per direction (no allocation), the pump rents the buffer only after a zero-byte read says data is there, and the
/// frame header is written in front of the payload in that same buffer. A pipe would add a second buffer hop and a
/// scheduling hop per message for no gain here; the pump benchmark (bench/, issue 3) is where the two are compared.
/// </remarks>
public sealed class SocketEndpoint : ByteEndpoint
{
    private readonly Socket _socket;

    /// <summary>Wraps <paramref name="socket"/> as it is: TCP_NODELAY is set where sockets are made, by
    /// <see cref="TcpDialer"/> and the listeners' accept (<c>RelayListener</c>), once per socket.</summary>
    public SocketEndpoint(Socket socket) => _socket = socket;

    public Socket Socket => _socket;

    public EndPoint? RemoteEndPoint
    {
        get
        {
            try
            {
                return _socket.RemoteEndPoint;
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return null;
            }
        }
    }

    public override bool SupportsZeroByteReads => true;

    // The kernel writes the peeked byte here; every socket shares it because nobody reads it.
    private static readonly byte[] s_peekSink = new byte[1];

    /// <summary>
    /// A one-byte MSG_PEEK rather than a zero-byte receive: on Linux a zero-byte receive can complete on a stale
    /// readiness event with no data behind it (seen in Pump_IdleSession_HoldsNoBuffer: the following read then
    /// blocked holding a 64 KiB buffer). A peek returns only when a byte or EOF is really there, and consumes nothing.
    /// </summary>
    public override ValueTask<int> WaitForDataAsync(CancellationToken cancellationToken) =>
        _socket.ReceiveAsync(s_peekSink.AsMemory(), SocketFlags.Peek, cancellationToken); // the Memory overload: no Task

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);

    // Pooled builder: a send that completes asynchronously must not box a new state machine per message.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        // A stream socket's SendAsync completes only when every byte is taken; loop anyway in case it ever does not.
        while (!buffer.IsEmpty)
        {
            var sent = await _socket.SendAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            buffer = buffer[sent..];
        }
    }

    public override ValueTask ShutdownSendAsync()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed or reset: there is nothing left to half-close.
        }

        return ValueTask.CompletedTask;
    }

    public override void Abort()
    {
        try
        {
            // Linger 0 turns close into RST: the peer learns the leg failed instead of seeing a clean EOF.
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        _socket.Dispose();
    }

    protected override ValueTask DisposeCoreAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
