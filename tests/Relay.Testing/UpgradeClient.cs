using System.Security.Cryptography;
using System.Text;

namespace Relay.Testing;

/// <summary>
/// Sends a WebSocket upgrade with chosen path and headers over a real socket and reads the answer head byte by byte
/// (<see cref="HttpExchange"/>), so nothing after it is consumed: a 101 hands the socket on as a <see cref="RawWebSocketPeer"/> (client role).
/// </summary>
public static class UpgradeClient
{
    public static async Task<UpgradeAnswer> ConnectAsync(int port, string path, CancellationToken cancellationToken, params string[] headers)
    {
        var socket = await HttpExchange.ConnectAsync(port, cancellationToken);
        try
        {
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            await socket.SendAllAsync(HttpExchange.UpgradeRequest(key, path, string.Concat(headers.Select(h => h + "\r\n"))), cancellationToken);
            var head = (await HttpExchange.ReadHeadAsync(socket, cancellationToken))[..^4];
            var status = int.Parse(head.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
            if (status == 101)
            {
                var peer = new RawWebSocketPeer(socket, isClient: true);
                socket = null!;
                return new UpgradeAnswer(status, head, string.Empty, peer);
            }

            return new UpgradeAnswer(status, head, Encoding.UTF8.GetString(await socket.ReadToEndAsync(cancellationToken)), null);
        }
        finally
        {
            socket?.Dispose();
        }
    }
}
