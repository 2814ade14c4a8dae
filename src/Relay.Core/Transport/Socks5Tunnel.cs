using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Relay.Core.Transport;

/// <summary>A SOCKS5 CONNECT (RFC 1928) with optional user/password authentication (RFC 1929), over a socket
/// already connected to the proxy.</summary>
public static class Socks5Tunnel
{
    private const byte Version = 5;
    private const byte NoAuthentication = 0;
    private const byte UserPassword = 2;
    private const byte NoAcceptableMethods = 0xFF;
    private const byte UserPasswordVersion = 1;
    private const byte Connect = 1;
    private const byte AddressIPv4 = 1;
    private const byte AddressDomainName = 3;
    private const byte AddressIPv6 = 4;

    /// <summary>
    /// Asks the proxy to connect to <paramref name="host"/>:<paramref name="port"/>. With
    /// <paramref name="resolveLocally"/> (socks5://) a name is resolved here and the proxy gets an address, as curl
    /// does; otherwise (socks5h://) the proxy gets the name. On return the socket's next bytes are the target's.
    /// </summary>
    /// <exception cref="ProxyException">The proxy refused, failed authentication, or could not reach the target.</exception>
    public static async Task OpenAsync(Socket socket, string host, int port, bool resolveLocally, string? userName, string? password, CancellationToken cancellationToken)
    {
        var address = IPAddress.TryParse(host, out var literal) ? literal : null;
        if (address is null && resolveLocally)
        {
            address = await ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        }

        var buffer = new byte[600];

        // Greeting: version, the methods we offer (RFC 1928 §3).
        byte[] greeting = userName is null ? [Version, 1, NoAuthentication] : [Version, 2, NoAuthentication, UserPassword];
        await HttpConnectTunnel.SendAllAsync(socket, greeting, cancellationToken).ConfigureAwait(false);
        await ReceiveExactlyAsync(socket, buffer.AsMemory(0, 2), cancellationToken).ConfigureAwait(false);
        if (buffer[0] != Version)
        {
            throw new ProxyException("SOCKS5 proxy: the proxy does not speak SOCKS5");
        }

        switch (buffer[1])
        {
            case NoAuthentication:
                break;
            case UserPassword when userName is not null:
                await AuthenticateAsync(socket, userName, password ?? string.Empty, buffer, cancellationToken).ConfigureAwait(false);
                break;
            case NoAcceptableMethods:
                throw new ProxyException(userName is null
                    ? "SOCKS5 proxy: authentication required (give user:pass in the proxy URL)"
                    : "SOCKS5 proxy: no acceptable authentication method");
            default:
                throw new ProxyException($"SOCKS5 proxy: chose an authentication method that was not offered ({buffer[1]})");
        }

        // Request: VER CMD RSV ATYP DST.ADDR DST.PORT (RFC 1928 §4).
        var length = 0;
        buffer[length++] = Version;
        buffer[length++] = Connect;
        buffer[length++] = 0;
        if (address is not null)
        {
            buffer[length++] = address.AddressFamily == AddressFamily.InterNetworkV6 ? AddressIPv6 : AddressIPv4;
            address.TryWriteBytes(buffer.AsSpan(length), out var written);
            length += written;
        }
        else
        {
            var name = Encoding.ASCII.GetBytes(host);
            if (name.Length > 255)
            {
                throw new ProxyException("SOCKS5 proxy: the host name is longer than 255 bytes");
            }

            buffer[length++] = AddressDomainName;
            buffer[length++] = (byte)name.Length;
            name.CopyTo(buffer, length);
            length += name.Length;
        }

        BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(length), (ushort)port);
        length += 2;
        await HttpConnectTunnel.SendAllAsync(socket, buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);

        // Reply: VER REP RSV ATYP BND.ADDR BND.PORT; read it whole so the target's bytes start right after.
        await ReceiveExactlyAsync(socket, buffer.AsMemory(0, 5), cancellationToken).ConfigureAwait(false);
        if (buffer[1] != 0)
        {
            throw new ProxyException($"SOCKS5 proxy: {DescribeReply(buffer[1])}");
        }

        var rest = buffer[3] switch
        {
            AddressIPv4 => 4 - 1 + 2,
            AddressIPv6 => 16 - 1 + 2,
            AddressDomainName => buffer[4] + 2,
            _ => throw new ProxyException($"SOCKS5 proxy: unknown address type {buffer[3]} in its reply"),
        };
        await ReceiveExactlyAsync(socket, buffer.AsMemory(5, rest), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>RFC 1928 §6 reply codes, in curl's words where it has them.</summary>
    public static string DescribeReply(byte code) => code switch
    {
        1 => "general SOCKS server failure",
        2 => "connection not allowed by ruleset",
        3 => "network unreachable",
        4 => "host unreachable",
        5 => "connection refused by target",
        6 => "TTL expired",
        7 => "command not supported",
        8 => "address type not supported",
        _ => $"unknown reply code {code}",
    };

    private static async Task AuthenticateAsync(Socket socket, string userName, string password, byte[] buffer, CancellationToken cancellationToken)
    {
        // RFC 1929: VER ULEN UNAME PLEN PASSWD, each at most 255 bytes.
        var user = Encoding.UTF8.GetBytes(userName);
        var pass = Encoding.UTF8.GetBytes(password);
        if (user.Length > 255 || pass.Length > 255)
        {
            throw new ProxyException("SOCKS5 proxy: user name and password are limited to 255 bytes each");
        }

        var length = 0;
        buffer[length++] = UserPasswordVersion;
        buffer[length++] = (byte)user.Length;
        user.CopyTo(buffer, length);
        length += user.Length;
        buffer[length++] = (byte)pass.Length;
        pass.CopyTo(buffer, length);
        length += pass.Length;
        await HttpConnectTunnel.SendAllAsync(socket, buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        await ReceiveExactlyAsync(socket, buffer.AsMemory(0, 2), cancellationToken).ConfigureAwait(false);
        if (buffer[1] != 0)
        {
            throw new ProxyException("SOCKS5 proxy: authentication failed (wrong user or password)");
        }
    }

    private static async Task<IPAddress> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw new ProxyException($"{host}: {SocketFailure.Describe(ex)} (socks5:// resolves names locally; socks5h:// lets the proxy do it)", ex);
        }

        // IPv4 first, as curl's SOCKS5 code prefers.
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault()
            ?? throw new ProxyException($"{host}: host not found");
    }

    private static async Task ReceiveExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (!buffer.IsEmpty)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new ProxyException("SOCKS5 proxy: closed the connection during the handshake");
            }

            buffer = buffer[read..];
        }
    }
}
