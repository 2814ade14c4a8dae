using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Relay.Testing;

/// <summary>What a server answered to an upgrade request: the status, the head, and, on 101, the open connection.</summary>
public sealed record UpgradeAnswer(int Status, string Head, string Body, RawWebSocketPeer? Peer)
{
    /// <summary>The open WebSocket (throws with the server's answer when it was not a 101).</summary>
    public RawWebSocketPeer Open => Peer ?? throw new InvalidOperationException($"expected 101, got: {Head}\r\n\r\n{Body}");
}

/// <summary>
/// Sends a WebSocket upgrade with chosen path and headers over a real socket and reads the answer byte by byte, so
/// nothing after the head is consumed: a 101 hands the socket on as a <see cref="RawWebSocketPeer"/> (client role).
/// </summary>
public static class UpgradeClient
{
    public static async Task<UpgradeAnswer> ConnectAsync(int port, string path, CancellationToken cancellationToken, params string[] headers)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            var request = new StringBuilder()
                .Append("GET ").Append(path).Append(" HTTP/1.1\r\n")
                .Append("Host: 127.0.0.1:").Append(port).Append("\r\n")
                .Append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n")
                .Append("Sec-WebSocket-Key: ").Append(key).Append("\r\n");
            foreach (var header in headers)
            {
                request.Append(header).Append("\r\n");
            }

            request.Append("\r\n");
            await socket.SendAsync(Encoding.ASCII.GetBytes(request.ToString()), SocketFlags.None, cancellationToken);
            var head = await ReadHeadAsync(socket, cancellationToken);
            var status = int.Parse(head.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
            if (status == 101)
            {
                var peer = new RawWebSocketPeer(socket, isClient: true);
                socket = null!;
                return new UpgradeAnswer(status, head, string.Empty, peer);
            }

            var body = new MemoryStream();
            var buffer = new byte[4096];
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken)) > 0)
            {
                body.Write(buffer, 0, read);
            }

            return new UpgradeAnswer(status, head, Encoding.UTF8.GetString(body.ToArray()), null);
        }
        finally
        {
            socket?.Dispose();
        }
    }

    private static async Task<string> ReadHeadAsync(Socket socket, CancellationToken cancellationToken)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || head[^4] != '\r' || head[^3] != '\n' || head[^2] != '\r' || head[^1] != '\n')
        {
            if (await socket.ReceiveAsync(one, SocketFlags.None, cancellationToken) == 0)
            {
                throw new IOException($"connection closed after {head.Count} bytes of the response head: {Encoding.ASCII.GetString(head.ToArray())}");
            }

            head.Add(one[0]);
        }

        return Encoding.ASCII.GetString(head.ToArray(), 0, head.Count - 4);
    }
}
