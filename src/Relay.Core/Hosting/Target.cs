using System.Net;
using System.Net.Sockets;
using Relay.Core.Transport;

namespace Relay.Core.Hosting;

/// <summary>Where the forwarder relays each WebSocket session: a TCP host and port, or a Unix socket path.</summary>
public sealed record Target(string? Host, int Port, string? UnixPath)
{
    public static Target Tcp(string host, int port) => new(host, port, null);

    public static Target Unix(string path) => new(null, 0, path);

    public override string ToString() => UnixPath is not null ? $"unix:{UnixPath}" : $"tcp:{Host}:{Port}";

    /// <summary>Dials the target. Throws <see cref="SocketException"/> or <see cref="OperationCanceledException"/> on failure.</summary>
    public async Task<SocketEndpoint> ConnectAsync(CancellationToken cancellationToken)
    {
        if (UnixPath is not null)
        {
            var unix = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await unix.ConnectAsync(new UnixDomainSocketEndPoint(UnixPath), cancellationToken).ConfigureAwait(false);
                return new SocketEndpoint(unix);
            }
            catch
            {
                unix.Dispose();
                throw;
            }
        }

        EndPoint endPoint = IPAddress.TryParse(Host, out var address) ? new IPEndPoint(address, Port) : new DnsEndPoint(Host!, Port);
        var socket = endPoint is IPEndPoint ip ? new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp) : new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.NoDelay = true;
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
            return new SocketEndpoint(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
