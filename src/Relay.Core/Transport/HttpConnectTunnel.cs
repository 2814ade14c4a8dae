using System.Net.Sockets;
using System.Text;

namespace Relay.Core.Transport;

/// <summary>An HTTP/1.1 CONNECT tunnel (RFC 9110 §9.3.6) over a socket already connected to the proxy.</summary>
public static class HttpConnectTunnel
{
    /// <summary>Longest proxy response head read before giving up.</summary>
    public const int MaxResponseHeadLength = 16 * 1024;

    /// <summary>
    /// Asks the proxy for a tunnel to <paramref name="host"/>:<paramref name="port"/>, with Basic credentials when
    /// <paramref name="userName"/> is set. On return the socket's next bytes are the target's.
    /// </summary>
    /// <exception cref="ProxyException">The proxy answered anything but 2xx, or not HTTP.</exception>
    public static async Task OpenAsync(Socket socket, string host, int port, string? userName, string? password, CancellationToken cancellationToken)
    {
        var authority = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";
        var request = new StringBuilder(128)
            .Append("CONNECT ").Append(authority).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(authority).Append("\r\n");
        if (userName is not null)
        {
            var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{userName}:{password}"));
            request.Append("Proxy-Authorization: Basic ").Append(credentials).Append("\r\n");
        }

        await SendAllAsync(socket, Encoding.ASCII.GetBytes(request.Append("\r\n").ToString()), cancellationToken).ConfigureAwait(false);

        // One byte at a time: whatever follows the proxy's head belongs to the target and must stay in the socket.
        // A head is a few hundred bytes, read once per connection.
        var buffer = new byte[MaxResponseHeadLength];
        var filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
            {
                throw new ProxyException("proxy: the CONNECT response is too large");
            }

            var read = await socket.ReceiveAsync(buffer.AsMemory(filled, 1), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new ProxyException("proxy closed the connection during CONNECT");
            }

            filled++;
            if (filled >= 4 && buffer.AsSpan(filled - 4, 4).SequenceEqual("\r\n\r\n"u8))
            {
                var (status, reason) = ParseStatusLine(buffer.AsSpan(0, filled));
                if (status / 100 != 2)
                {
                    throw new ProxyException($"proxy refused CONNECT: {status} {reason}".TrimEnd());
                }

                return;
            }
        }
    }

    /// <summary>"HTTP/1.1 407 Proxy Authentication Required" → (407, the reason). Transport parses just this line
    /// itself rather than depend on Handshake, which sits above it.</summary>
    private static (int Status, string Reason) ParseStatusLine(ReadOnlySpan<byte> head)
    {
        var lineEnd = head.IndexOf("\r\n"u8);
        var line = Encoding.Latin1.GetString(head[..lineEnd]);
        var parts = line.Split(' ', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/1.", StringComparison.Ordinal) || parts[1].Length != 3
            || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var status))
        {
            throw new ProxyException("proxy: the CONNECT response is not HTTP/1.1");
        }

        return (status, parts.Length > 2 ? parts[2].Trim() : string.Empty);
    }

    internal static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        while (!bytes.IsEmpty)
        {
            var sent = await socket.SendAsync(bytes, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            bytes = bytes[sent..];
        }
    }
}
