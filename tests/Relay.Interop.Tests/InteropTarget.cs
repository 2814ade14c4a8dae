using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading.Channels;

namespace Relay.Interop.Tests;

/// <summary>
/// The forwarder's TCP target for the interop tests, on 127.0.0.1 port 0: echoes every connection and hashes what
/// passed, so a test compares the peer's SHA-256 with what really crossed the relay; reports the EOF the relay
/// delivers; and lets the test close a connection from the target's side.
/// </summary>
public sealed class InteropTarget : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly Channel<TargetConnection> _accepted = Channel.CreateUnbounded<TargetConnection>();
    private readonly List<TargetConnection> _connections = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public InteropTarget()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        _accepting = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    /// <summary>The next connection the relay opened to this target.</summary>
    public async Task<TargetConnection> AcceptAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _accepted.Reader.ReadAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("the relay did not connect to the target in time");
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                _accepted.Writer.TryComplete();
                return;
            }

            var connection = new TargetConnection(socket, _stop.Token);
            lock (_connections)
            {
                _connections.Add(connection);
            }

            _accepted.Writer.TryWrite(connection);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accepting;
        List<TargetConnection> connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }

        _stop.Dispose();
    }
}

/// <summary>One connection from the relay to the <see cref="InteropTarget"/>.</summary>
public sealed class TargetConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Task<(long Bytes, string Sha256)> _echoing;

    internal TargetConnection(Socket socket, CancellationToken stopping)
    {
        _socket = socket;
        _socket.NoDelay = true;
        _echoing = EchoAsync(stopping);
    }

    /// <summary>
    /// Completes when the relay's EOF arrived (after the echo of every byte before it and a half-close back), with
    /// the byte count and SHA-256 (hex) of everything the target received.
    /// </summary>
    public async Task<(long Bytes, string Sha256)> EofAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _echoing.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("the target saw no EOF from the relay in time");
        }
    }

    /// <summary>The target ends its side: a FIN to the relay, which should close the WebSocket with 1000.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    private async Task<(long, string)> EchoAsync(CancellationToken stopping)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long total = 0;
        while (true)
        {
            var read = await _socket.ReceiveAsync(buffer, SocketFlags.None, stopping);
            if (read == 0)
            {
                if (_socket.Connected)
                {
                    try
                    {
                        _socket.Shutdown(SocketShutdown.Send);
                    }
                    catch (SocketException)
                    {
                        // The relay is gone already.
                    }
                }

                return (total, InteropPeer.Hex(hash.GetHashAndReset()));
            }

            hash.AppendData(buffer, 0, read);
            total += read;
            var pending = buffer.AsMemory(0, read);
            while (!pending.IsEmpty)
            {
                pending = pending[await _socket.SendAsync(pending, SocketFlags.None, stopping)..];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        try
        {
            await _echoing;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Ended by disposal.
        }
    }
}
