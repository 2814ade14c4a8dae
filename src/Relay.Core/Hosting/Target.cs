using System.Net.Sockets;
using Relay.Core.Transport;

namespace Relay.Core.Hosting;

/// <summary>Where the forwarder relays each WebSocket session: a TCP host and port, a Unix socket path, or an
/// in-process echo (echo:, for benchmarks: the relay without a target process behind it).</summary>
public sealed record Target(string? Host, int Port, string? UnixPath)
{
    /// <summary>echo: every session gets its own <see cref="EchoEndpoint"/> instead of a connection.</summary>
    public static Target Echo { get; } = new(null, 0, null) { IsEcho = true };

    public bool IsEcho { get; private init; }

    public static Target Tcp(string host, int port) => new(host, port, null);

    public static Target Unix(string path) => new(null, 0, path);

    public override string ToString() => IsEcho ? "echo:" : UnixPath is not null ? $"unix:{UnixPath}" : $"tcp:{Host}:{Port}";

    /// <summary>Dials the target. Throws <see cref="SocketException"/> or <see cref="OperationCanceledException"/> on failure.</summary>
    public async Task<ByteEndpoint> ConnectAsync(CancellationToken cancellationToken)
    {
        if (IsEcho)
        {
            return new EchoEndpoint();
        }

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

        return new SocketEndpoint(await TcpDialer.ConnectAsync(Host!, Port, localAddress: null, cancellationToken).ConfigureAwait(false));
    }
}
