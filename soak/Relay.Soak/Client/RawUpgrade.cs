using System.Net.Sockets;
using System.Text;

namespace Relay.Soak.Client;

/// <summary>
/// An upgrade request by hand, for the faults that expect a refusal and must see its headers (503 + Retry-After),
/// which <see cref="Relay.Core.Hosting.WebSocketConnectException"/> does not carry.
/// </summary>
public static class RawUpgrade
{
    private const int MaxHead = 8192;

    /// <summary>Sends an upgrade to <paramref name="uri"/> and returns the response's status and headers (names in
    /// lower case); the connection is closed afterwards whatever the answer.</summary>
    public static async Task<(int Status, IReadOnlyDictionary<string, string> Headers)> RequestAsync(Uri uri, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(uri.Host, uri.Port, cancellationToken);
        var key = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        var request = $"GET {uri.PathAndQuery} HTTP/1.1\r\nHost: {uri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, cancellationToken);
        var buffer = new byte[MaxHead];
        var filled = 0;
        int end;
        while ((end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, cancellationToken);
            if (read == 0 || filled + read == buffer.Length)
            {
                throw new IOException($"no complete HTTP response head ({filled + read} bytes, then {(read == 0 ? "EOF" : "too long")})");
            }

            filled += read;
        }

        var lines = Encoding.ASCII.GetString(buffer, 0, end).Split("\r\n");
        var statusLine = lines[0].Split(' ', 3);
        if (statusLine.Length < 2 || !int.TryParse(statusLine[1], System.Globalization.CultureInfo.InvariantCulture, out var status))
        {
            throw new IOException($"not an HTTP status line: {lines[0]}");
        }

        var headers = new Dictionary<string, string>();
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
            }
        }

        return (status, headers);
    }
}
