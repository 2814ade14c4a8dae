using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Relay.Core.Hosting;

/// <summary>Listening sockets for the server's listeners: TCP over IPv4 or IPv6, and Unix socket paths.</summary>
public static class ListenSockets
{
    /// <summary>The listen backlog: connections the kernel completes before accept takes them.</summary>
    public const int DefaultBacklog = 1024;

    /// <summary>
    /// A socket bound to <paramref name="endPoint"/> and listening. TCP sockets set SO_REUSEADDR (a restart binds
    /// while old connections sit in TIME_WAIT); <c>[::]</c> also accepts IPv4 (dual mode). With
    /// <paramref name="reusePort"/>, SO_REUSEPORT lets several sockets, in this process or another of the same user,
    /// bind the same address and port, the kernel spreading new connections among them: a new relay takes the port
    /// over while the old one drains and closes its socket. Unix sockets ignore <paramref name="reusePort"/>.
    /// </summary>
    /// <exception cref="SocketException">The bind failed: AddressAlreadyInUse when the port is taken by a socket
    /// without SO_REUSEPORT (or this one has none), AccessDenied for a privileged port.</exception>
    public static Socket Bind(EndPoint endPoint, bool reusePort = false, int backlog = DefaultBacklog)
    {
        var socket = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint is IPEndPoint ip)
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                if (ip.Address.Equals(IPAddress.IPv6Any))
                {
                    socket.DualMode = true;
                }

                if (reusePort)
                {
                    SetReusePort(socket);
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

    /// <summary>SO_REUSEPORT, which .NET has no SocketOptionName for: its numbers differ by platform.</summary>
    private static void SetReusePort(Socket socket)
    {
        // <asm-generic/socket.h>: SOL_SOCKET 1, SO_REUSEPORT 15; <sys/socket.h> on macOS and FreeBSD: 0xffff, 0x200.
        (int level, int name) option = OperatingSystem.IsLinux() ? (1, 15)
            : OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD() ? (0xffff, 0x200)
            : throw new PlatformNotSupportedException("SO_REUSEPORT is supported on Linux, macOS and FreeBSD only");
        var on = 1;
        socket.SetRawSocketOption(option.level, option.name, MemoryMarshal.AsBytes(new ReadOnlySpan<int>(in on)));
    }
}
