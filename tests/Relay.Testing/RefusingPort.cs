using System.Net;
using System.Net.Sockets;

namespace Relay.Testing;

/// <summary>
/// A port on 127.0.0.1 that refuses connections for as long as this lives: a socket bound to it that never listens.
/// Unlike a number from <see cref="Loopback.FreePort"/>, no other test can bind it meanwhile (bind to port 0 skips it,
/// and without SO_REUSEADDR on this socket an explicit bind fails), and no outgoing connection takes it as its source
/// port, so a connection to it cannot meet a listener or itself.
/// </summary>
public sealed class RefusingPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public RefusingPort()
    {
        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, false);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    public int Port { get; }

    public void Dispose() => _socket.Dispose();
}
