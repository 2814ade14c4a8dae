using System.Net;
using System.Net.Sockets;
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
