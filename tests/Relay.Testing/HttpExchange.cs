using System.Net;
using System.Net.Sockets;
using System.Text;
using Relay.Core.Handshake;

namespace Relay.Testing;

/// <summary>The HTTP/1.1 halves of the opening handshake, written and read by hand so a case can break any part of them.</summary>
public static class HttpExchange
{
    /// <summary>A valid upgrade request for <paramref name="key"/>, with <paramref name="extraHeaders"/> (each ending in CRLF).</summary>
    public static byte[] UpgradeRequest(string key, string path = "/", string extraHeaders = "") => Encoding.ASCII.GetBytes(
        $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{extraHeaders}\r\n");

    /// <summary>A 101 answering a client that sent <paramref name="key"/>.</summary>
    public static byte[] SwitchingProtocols(string key) => Encoding.ASCII.GetBytes(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        $"Sec-WebSocket-Accept: {WebSocketAccept.Compute(key)}\r\n\r\n");

    /// <summary>Reads one byte at a time up to and including the blank line, so nothing behind the head is consumed.</summary>
    public static async Task<string> ReadHeadAsync(Socket socket, CancellationToken cancellationToken)
    {
        var head = new List<byte>(512);
        var one = new byte[1];
        while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await socket.ReceiveAsync(one, SocketFlags.None, cancellationToken) == 0)
            {
                throw new EndOfStreamException($"EOF inside the HTTP head after: {Encoding.ASCII.GetString(head.ToArray())}");
            }

            head.Add(one[0]);
        }

        return Encoding.ASCII.GetString(head.ToArray());
    }

    /// <summary>A TCP connection to 127.0.0.1:<paramref name="port"/> with Nagle off, so every write is its own segment.</summary>
    public static async Task<Socket> ConnectAsync(int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends <paramref name="request"/> on a new connection and reads the whole answer up to the relay's EOF.</summary>
    public static async Task<string> ExchangeAsync(int port, byte[] request, CancellationToken cancellationToken)
    {
        using var socket = await ConnectAsync(port, cancellationToken);
        await socket.SendAllAsync(request, cancellationToken);
        return Encoding.ASCII.GetString(await socket.ReadToEndAsyncOrReset(cancellationToken));
    }
}
