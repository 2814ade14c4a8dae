using System.Net;
using System.Net.Sockets;

namespace Relay.Testing;

/// <summary>Small helpers for real sockets on 127.0.0.1.</summary>
public static class Loopback
{
    /// <summary>A connected pair of TCP sockets on loopback: what a relay sees from its peer and the peer itself.</summary>
    public static async Task<(Socket Left, Socket Right)> CreatePairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var left = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var connect = left.ConnectAsync(listener.LocalEndPoint!);
        var right = await listener.AcceptAsync();
        await connect;
        right.NoDelay = true;
        return (left, right);
    }

    /// <summary>A free TCP port on 127.0.0.1 at the moment of the call (for processes that need a number up front).</summary>
    public static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>A token that cancels after <paramref name="seconds"/>: every await in a test is bounded by one.</summary>
    public static CancellationToken Timeout(double seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;
}
