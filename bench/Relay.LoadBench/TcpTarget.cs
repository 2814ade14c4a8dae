using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace Relay.LoadBench;

/// <summary>
/// The target behind a relay, in the harness process: a sink, a source or an echo on 127.0.0.1, any number of
/// connections. Large receive buffers and one shared send buffer keep it cheap next to the relay it feeds; an idle
/// echo connection holds no buffer (zero-byte read first, then rent).
/// </summary>
public sealed class TcpTarget : IBenchTarget
{
    private const int BufferSize = 256 * 1024;
    private static readonly byte[] s_sourceBytes = CreateSourceBytes();

    private readonly Socket _listener;
    private readonly TargetKind _kind;
    private readonly long _sourceBytes;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _connections = [];
    private readonly Task _acceptLoop;

    private TcpTarget(TargetKind kind, long sourceBytes)
    {
        _kind = kind;
        _sourceBytes = sourceBytes;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(4096);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port { get; }

    /// <summary>Listens on a free port; <paramref name="sourceBytes"/> is what a <see cref="TargetKind.Source"/> sends per connection.</summary>
    public static TcpTarget Start(TargetKind kind, long sourceBytes = 0) => new(kind, sourceBytes);

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var connection = await _listener.AcceptAsync(_stop.Token);
                connection.NoDelay = true;
                lock (_connections)
                {
                    _connections.Add(connection);
                }

                _ = ServeAsync(connection);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task ServeAsync(Socket connection)
    {
        try
        {
            switch (_kind)
            {
                case TargetKind.Sink:
                    await DrainAsync(connection);
                    break;
                case TargetKind.Source:
                    await SendSourceAsync(connection);
                    break;
                case TargetKind.Echo:
                    await EchoAsync(connection);
                    break;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The peer reset or the target is stopping: the relay reports what it saw.
        }
        finally
        {
            lock (_connections)
            {
                _connections.Remove(connection);
            }

            connection.Dispose();
        }
    }

    private async Task DrainAsync(Socket connection)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (await connection.ReceiveAsync(buffer, SocketFlags.None, _stop.Token) > 0)
            {
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task SendSourceAsync(Socket connection)
    {
        var remaining = _sourceBytes;
        while (remaining > 0)
        {
            var chunk = (int)Math.Min(remaining, s_sourceBytes.Length);
            remaining -= await connection.SendAsync(s_sourceBytes.AsMemory(0, chunk), SocketFlags.None, _stop.Token);
        }

        connection.Shutdown(SocketShutdown.Send);
        // Close only after the peer has: closing with unread input would reset the connection and lose the tail.
        await DrainAsync(connection);
    }

    private async Task EchoAsync(Socket connection)
    {
        while (true)
        {
            // Idle sessions hold no buffer: wait for readability, then rent.
            await connection.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, _stop.Token);
            var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
            try
            {
                var read = await connection.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    connection.Shutdown(SocketShutdown.Send);
                    return;
                }

                for (var sent = 0; sent < read;)
                {
                    sent += await connection.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None, _stop.Token);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static byte[] CreateSourceBytes()
    {
        var bytes = new byte[1 << 20];
        new Random(3).NextBytes(bytes);
        return bytes;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _acceptLoop;
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }
        }

        _stop.Dispose();
    }
}
