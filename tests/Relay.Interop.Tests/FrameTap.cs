using System.Net;
using System.Net.Sockets;

namespace Relay.Interop.Tests;

/// <summary>
/// A TCP pass-through between a WebSocket client and a server that counts the frames each way by opcode, so a test
/// can await "the server answered N pings" instead of sleeping. Accepts one connection on 127.0.0.1, port 0. The
/// parser is independent of Relay's: skip the HTTP head, then read frame headers and skip payloads.
/// </summary>
public sealed class FrameTap : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly int _upstreamPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private readonly int[] _toServer = new int[16];
    private readonly int[] _toClient = new int[16];
    private readonly object _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FrameTap(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(1);
        _running = RunAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    /// <summary>Frames with <paramref name="opcode"/> seen from the client towards the server.</summary>
    public int ToServer(int opcode) => Volatile.Read(ref _toServer[opcode]);

    /// <summary>Frames with <paramref name="opcode"/> seen from the server towards the client.</summary>
    public int ToClient(int opcode) => Volatile.Read(ref _toClient[opcode]);

    /// <summary>Waits until the server has sent at least <paramref name="count"/> frames with <paramref name="opcode"/>.</summary>
    public Task WaitToClientAsync(int opcode, int count, CancellationToken cancellationToken) =>
        WaitAsync(_toClient, "server", opcode, count, cancellationToken);

    /// <summary>Waits until the client has sent at least <paramref name="count"/> frames with <paramref name="opcode"/>.</summary>
    public Task WaitToServerAsync(int opcode, int count, CancellationToken cancellationToken) =>
        WaitAsync(_toServer, "client", opcode, count, cancellationToken);

    private async Task WaitAsync(int[] counts, string sender, int opcode, int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (Volatile.Read(ref counts[opcode]) >= count)
                {
                    return;
                }

                changed = _changed.Task;
            }

            if (_running.IsCompleted)
            {
                throw new InvalidOperationException($"the tapped connection ended after the {sender} sent {Volatile.Read(ref counts[opcode])} of {count} frames with opcode {opcode}");
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    private async Task RunAsync()
    {
        using var client = await _listener.AcceptAsync(_stop.Token);
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        await server.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _upstreamPort), _stop.Token);
        try
        {
            await Task.WhenAll(PumpAsync(client, server, _toServer), PumpAsync(server, client, _toClient));
        }
        finally
        {
            Signal();
        }
    }

    private async Task PumpAsync(Socket from, Socket to, int[] counts)
    {
        var buffer = new byte[64 * 1024];
        var parser = new FrameCounter();
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                if (parser.Feed(buffer.AsSpan(0, read), counts))
                {
                    Signal();
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // One side went away: the test sees that on its own socket.
        }
    }

    private void Signal()
    {
        lock (_gate)
        {
            _changed.TrySetResult();
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            await _running;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }
}
