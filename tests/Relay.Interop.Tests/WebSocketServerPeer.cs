using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Relay.Core.Handshake;

namespace Relay.Interop.Tests;

/// <summary>
/// A WebSocket server made of .NET's own implementation: a TcpListener on 127.0.0.1 (port 0), optionally TLS with a
/// given certificate, a hand-written 101 answer, then <see cref="WebSocket.CreateFromStream(Stream, WebSocketCreationOptions)"/>
/// as the server. Serves one session at a time, either echoing every message or closing first with a code.
/// </summary>
public sealed class WebSocketServerPeer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2? _certificate;
    private readonly TimeSpan _keepAliveInterval;

    /// <param name="keepAliveInterval">
    /// When positive, the server pings this often and aborts when a Pong does not come within 5 s (.NET's
    /// <see cref="WebSocketCreationOptions.KeepAliveTimeout"/>); zero sends no pings.
    /// </param>
    public WebSocketServerPeer(X509Certificate2? certificate = null, TimeSpan keepAliveInterval = default)
    {
        _certificate = certificate;
        _keepAliveInterval = keepAliveInterval;
        _listener.Start();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>
    /// Accepts one client and echoes each message with its type and boundaries until the client's Close, which it
    /// answers with the same code.
    /// </summary>
    public Task<PeerSession> EchoOneAsync(CancellationToken cancellationToken) =>
        ServeOneAsync(closeFirst: null, cancellationToken);

    /// <summary>
    /// Accepts one client, closes at once with <paramref name="status"/> and <paramref name="reason"/>, and waits for
    /// the client's answering Close (data before it is counted and dropped).
    /// </summary>
    public Task<PeerSession> CloseFirstAsync(WebSocketCloseStatus status, string reason, CancellationToken cancellationToken) =>
        ServeOneAsync((status, reason), cancellationToken);

    private async Task<PeerSession> ServeOneAsync((WebSocketCloseStatus Status, string Reason)? closeFirst, CancellationToken cancellationToken)
    {
        using var client = await _listener.AcceptTcpClientAsync(cancellationToken);
        client.NoDelay = true;
        Stream stream = client.GetStream();
        string? targetHostName = null;
        if (_certificate is not null)
        {
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            stream = ssl;
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, cancellationToken);
            targetHostName = ssl.TargetHostName;
        }

        await using (stream)
        {
            var path = await AcceptUpgradeAsync(stream, cancellationToken);
            using var webSocket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions
            {
                IsServer = true,
                KeepAliveInterval = _keepAliveInterval,
                KeepAliveTimeout = _keepAliveInterval > TimeSpan.Zero ? TimeSpan.FromSeconds(5) : Timeout.InfiniteTimeSpan,
            });
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long received = 0;
            if (closeFirst is { } close)
            {
                // CloseAsync sends our Close, then reads (and drops) until the client's Close arrives.
                await webSocket.CloseAsync(close.Status, close.Reason, cancellationToken);
                return new PeerSession(targetHostName, path, received, webSocket.CloseStatus, hash.GetHashAndReset());
            }

            var buffer = new byte[256 * 1024];
            while (true)
            {
                var result = await webSocket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    var status = webSocket.CloseStatus;
                    await webSocket.CloseOutputAsync(status ?? WebSocketCloseStatus.Empty, webSocket.CloseStatusDescription, cancellationToken);
                    return new PeerSession(targetHostName, path, received, status, hash.GetHashAndReset());
                }

                hash.AppendData(buffer, 0, result.Count);
                received += result.Count;
                await webSocket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Reads the request head byte by byte (nothing past it: frames may follow), checks it is an upgrade, and answers
    /// 101 with the Sec-WebSocket-Accept for its key. Returns the request path.
    /// </summary>
    private static async Task<string> AcceptUpgradeAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0 || head.Count > 16 * 1024)
            {
                throw new IOException($"no complete upgrade request: {Encoding.ASCII.GetString([.. head])}");
            }

            head.Add(one[0]);
        }

        var lines = Encoding.ASCII.GetString([.. head]).Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine is not ["GET", _, "HTTP/1.1"])
        {
            throw new IOException($"not a GET request: {lines[0]}");
        }

        string? key = null;
        var upgrade = false;
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Sec-WebSocket-Key", StringComparison.OrdinalIgnoreCase))
            {
                key = value;
            }
            else if (name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase))
            {
                upgrade = value.Equals("websocket", StringComparison.OrdinalIgnoreCase);
            }
        }

        if (key is null || !upgrade)
        {
            throw new IOException($"not a WebSocket upgrade: {string.Join(" | ", lines)}");
        }

        var response = $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {WebSocketAccept.Compute(key)}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(response), cancellationToken);
        await stream.FlushAsync(cancellationToken);
        return requestLine[1];
    }

    public void Dispose() => _listener.Stop();
}
