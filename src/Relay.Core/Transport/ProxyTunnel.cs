using System.Net;
using System.Net.Sockets;

namespace Relay.Core.Transport;

/// <summary>Dials a target through a proxy: TCP to the proxy, then CONNECT (HTTP) or SOCKS5.</summary>
public static class ProxyTunnel
{
    /// <summary>
    /// Returns a socket connected through <paramref name="proxy"/> whose next bytes are
    /// <paramref name="host"/>:<paramref name="port"/>'s; TLS and the upgrade run over it as over a direct connection.
    /// </summary>
    /// <exception cref="ProxyException">The proxy could not be reached or refused; the message says which.</exception>
    public static async Task<Socket> ConnectAsync(ProxyAddress proxy, string host, int port, IPAddress? localAddress, CancellationToken cancellationToken)
    {
        Socket socket;
        try
        {
            socket = await TcpDialer.ConnectAsync(proxy.Host, proxy.Port, localAddress, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw new ProxyException($"proxy {proxy}: {SocketFailure.Describe(ex)}", ex);
        }

        try
        {
            if (proxy.Scheme == ProxyScheme.Http)
            {
                await HttpConnectTunnel.OpenAsync(socket, host, port, proxy.UserName, proxy.Password, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await Socks5Tunnel.OpenAsync(socket, host, port, proxy.Scheme == ProxyScheme.Socks5, proxy.UserName, proxy.Password, cancellationToken).ConfigureAwait(false);
            }

            return socket;
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new ProxyException($"proxy {proxy}: {SocketFailure.Describe(ex)}", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
