using System.Net;
using System.Net.Sockets;
using Relay.Core.Hosting;
using Relay.Testing;

namespace Relay.Core.Tests.Hosting;

public sealed class ListenSocketsTests
{
    [Fact]
    public async Task Bind_TwoSocketsWithReusePort_BothAcceptAndTheSecondTakesOverWhenTheFirstCloses()
    {
        var timeout = Loopback.Timeout(10);
        var old = ListenSockets.Bind(new IPEndPoint(IPAddress.Loopback, 0), reusePort: true);
        using var successor = ListenSockets.Bind(old.LocalEndPoint!, reusePort: true);
        Assert.Equal(old.LocalEndPoint, successor.LocalEndPoint);
        using var stopAccepting = CancellationTokenSource.CreateLinkedTokenSource(timeout);
        var oldAccepted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var successorAccepted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var oldLoop = AcceptAllAsync(old, oldAccepted, stopAccepting.Token);
        var successorLoop = AcceptAllAsync(successor, successorAccepted, stopAccepting.Token);

        // The kernel spreads connections over the two by a hash of the client's address and port: with 64 clients
        // the chance that all land on one socket is 2^-63.
        var clients = new List<Socket>();
        for (var i = 0; i < 64; i++)
        {
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            clients.Add(client);
            await client.ConnectAsync(old.LocalEndPoint!, timeout);
        }

        await Task.WhenAll(oldAccepted.Task, successorAccepted.Task).WaitAsync(timeout);

        // The old process drains and closes its socket: new connections all reach the successor.
        old.Dispose();
        await stopAccepting.CancelAsync();
        var accepted = (await oldLoop).Concat(await successorLoop).ToList();
        using var late = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await late.ConnectAsync(successor.LocalEndPoint!, timeout);
        using var taken = await AcceptMatchingAsync(successor, late, timeout);
        await late.SendAsync(new byte[] { 42 }, timeout);
        Assert.Equal(42, (await taken.ReadExactlyAsync(1, timeout))[0]);

        foreach (var socket in accepted.Concat(clients))
        {
            socket.Dispose();
        }
    }

    [Fact]
    public void Bind_SecondSocketWithoutReusePort_FailsWithAddressAlreadyInUse()
    {
        using var first = ListenSockets.Bind(new IPEndPoint(IPAddress.Loopback, 0), reusePort: false);

        var ex = Assert.Throws<SocketException>(() => ListenSockets.Bind(first.LocalEndPoint!, reusePort: false));

        Assert.Equal(SocketError.AddressAlreadyInUse, ex.SocketErrorCode);
    }

    [Fact]
    public void Bind_FirstSocketWithoutReusePort_SecondWithItStillFails()
    {
        // SO_REUSEPORT only shares a port among sockets that all set it: a relay without it is never displaced.
        using var first = ListenSockets.Bind(new IPEndPoint(IPAddress.Loopback, 0), reusePort: false);

        var ex = Assert.Throws<SocketException>(() => ListenSockets.Bind(first.LocalEndPoint!, reusePort: true));

        Assert.Equal(SocketError.AddressAlreadyInUse, ex.SocketErrorCode);
    }

    [Fact]
    public async Task Bind_IPv6Any_AcceptsAnIPv4Client()
    {
        var timeout = Loopback.Timeout(10);
        using var listener = ListenSockets.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout);
        using var accepted = await listener.AcceptAsync(timeout);

        Assert.True(listener.DualMode);
        Assert.Equal(IPAddress.Loopback, ((IPEndPoint)accepted.RemoteEndPoint!).Address.MapToIPv4());
    }

    [Fact]
    public async Task Bind_UnixSocketPath_AcceptsAConnection()
    {
        var timeout = Loopback.Timeout(10);
        var directory = Directory.CreateTempSubdirectory("relay-unix-").FullName;
        try
        {
            var path = Path.Combine(directory, "relay.sock");
            using var listener = ListenSockets.Bind(new UnixDomainSocketEndPoint(path), reusePort: true);
            using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);

            await client.ConnectAsync(new UnixDomainSocketEndPoint(path), timeout);
            using var accepted = await listener.AcceptAsync(timeout);
            await client.SendAsync(new byte[] { 7 }, timeout);

            Assert.Equal(7, (await accepted.ReadExactlyAsync(1, timeout))[0]);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Accepts until stopped or closed, signalling the first connection; returns what it accepted.</summary>
    private static async Task<List<Socket>> AcceptAllAsync(Socket listener, TaskCompletionSource first, CancellationToken stop)
    {
        var accepted = new List<Socket>();
        try
        {
            while (true)
            {
                accepted.Add(await listener.AcceptAsync(stop));
                first.TrySetResult();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            return accepted;
        }
    }

    /// <summary>Accepts until the connection from <paramref name="client"/> comes out (earlier ones may be queued).</summary>
    private static async Task<Socket> AcceptMatchingAsync(Socket listener, Socket client, CancellationToken cancellationToken)
    {
        while (true)
        {
            var socket = await listener.AcceptAsync(cancellationToken);
            if (socket.RemoteEndPoint!.Equals(client.LocalEndPoint))
            {
                return socket;
            }

            socket.Dispose();
        }
    }
}
