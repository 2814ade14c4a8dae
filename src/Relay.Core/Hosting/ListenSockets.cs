using System.Net;
using System.Net.Sockets;

namespace Relay.Core.Hosting;

/// <summary>Placeholder until the listen branch lands.</summary>
public static class ListenSockets
{
    public static Socket Bind(EndPoint endPoint, bool reusePort, int backlog = 1024)
    {
        var socket = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint is IPEndPoint)
            {
                // SO_REUSEADDR alone (a restart may bind while old connections sit in TIME_WAIT). .NET's ReuseAddress option
                // also sets SO_REUSEPORT on Linux, which would let a second relay bind the same port and silently share it.
                socket.SetRawSocketOption(1 /* SOL_SOCKET */, 2 /* SO_REUSEADDR */, BitConverter.GetBytes(1));
                if (reusePort)
                {
                    socket.SetRawSocketOption(1, 15, BitConverter.GetBytes(1));
                }
            }

            socket.Bind(endPoint);
            socket.Listen(backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
