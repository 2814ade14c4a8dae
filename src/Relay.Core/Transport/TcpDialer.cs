using System.Net;
using System.Net.Sockets;

namespace Relay.Core.Transport;

/// <summary>The one way Relay dials a TCP host: an IP literal or a name, TCP_NODELAY, an optional source address.</summary>
public static class TcpDialer
{
    // Linux IP_BIND_ADDRESS_NO_PORT (24, level SOL_IP = 0): pick the port at connect time from the whole 4-tuple,
    // not at bind time, so tens of thousands of sessions to one listener do not exhaust a source address's ports.
    private const int SolIp = 0;
    private const int IpBindAddressNoPort = 24;

    /// <summary>
    /// Connects to <paramref name="host"/>:<paramref name="port"/>, from <paramref name="localAddress"/> when given.
    /// Returns the connected socket; on failure the socket is disposed and the exception (SocketException,
    /// OperationCanceledException) propagates.
    /// </summary>
    public static async Task<Socket> ConnectAsync(string host, int port, IPAddress? localAddress, CancellationToken cancellationToken)
    {
        EndPoint endPoint = IPAddress.TryParse(host, out var address) ? new IPEndPoint(address, port) : new DnsEndPoint(host, port);
        var socket = endPoint is IPEndPoint ip ? new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp) : new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // Interactive traffic (an SSH keystroke) must not wait for Nagle.
            socket.NoDelay = true;
            if (localAddress is not null)
            {
                Bind(socket, localAddress);
            }

            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static void Bind(Socket socket, IPAddress address)
    {
        if (OperatingSystem.IsLinux() && address.AddressFamily == AddressFamily.InterNetwork)
        {
            try
            {
                socket.SetRawSocketOption(SolIp, IpBindAddressNoPort, BitConverter.GetBytes(1));
            }
            catch (SocketException)
            {
                // An older kernel: the port is chosen at bind time instead.
            }
        }

        socket.Bind(new IPEndPoint(address, 0));
    }
}
