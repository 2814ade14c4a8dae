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
                SetOption(socket, ReuseAddress);
                if (ip.Address.Equals(IPAddress.IPv6Any))
                {
                    socket.DualMode = true;
                }

                if (reusePort)
                {
                    SetOption(socket, ReusePort);
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

    /// <summary>
    /// SO_REUSEADDR alone, set raw: .NET's <see cref="SocketOptionName.ReuseAddress"/> on Unix sets SO_REUSEPORT as
    /// well (for Windows' meaning of the flag), which would let a second relay bind a port already in use and silently
    /// take half its connections.
    /// </summary>
    private static (int Level, int Name) ReuseAddress => OperatingSystem.IsLinux() ? (1, 2) : (0xffff, 0x4);

    /// <summary>SO_REUSEPORT: <c>asm-generic/socket.h</c> on Linux, <c>sys/socket.h</c> on macOS and FreeBSD.</summary>
    private static (int Level, int Name) ReusePort => OperatingSystem.IsLinux() ? (1, 15)
        : OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD() ? (0xffff, 0x200)
        : throw new PlatformNotSupportedException("SO_REUSEPORT is supported on Linux, macOS and FreeBSD only");

    private static void SetOption(Socket socket, (int Level, int Name) option)
    {
        if (OperatingSystem.IsWindows())
        {
            // Winsock's SO_REUSEADDR is the port-stealing kind; an exclusive bind is the default there.
            return;
        }

        var on = 1;
        socket.SetRawSocketOption(option.Level, option.Name, MemoryMarshal.AsBytes(new ReadOnlySpan<int>(in on)));
    }
}
