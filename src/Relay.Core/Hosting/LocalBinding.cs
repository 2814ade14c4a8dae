using System.Net;
using System.Net.Sockets;

namespace Relay.Core.Hosting;

/// <summary>Binds a client socket to a local address before it connects.</summary>
public static class LocalBinding
{
    // Linux IP_BIND_ADDRESS_NO_PORT (24, level SOL_IP = 0): pick the port at connect time from the whole 4-tuple,
    // not at bind time, so tens of thousands of sessions to one listener do not exhaust a source address's ports.
    private const int SolIp = 0;
    private const int IpBindAddressNoPort = 24;

    /// <summary>Binds <paramref name="socket"/> to <paramref name="address"/>:0.</summary>
    public static void Bind(Socket socket, IPAddress address)
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
