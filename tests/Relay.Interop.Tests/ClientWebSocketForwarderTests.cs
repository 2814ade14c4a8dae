using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Relay.Testing;

namespace Relay.Interop.Tests;

/// <summary>
/// .NET's ClientWebSocket against the forwarder binary (<c>relay -b -E ws-l:… tcp:…</c>) on real loopback sockets:
/// bytes by SHA-256, close codes as the client sees them, 502 for a dead target, pings answered.
/// </summary>
public sealed class ClientWebSocketForwarderTests
{
    private const int Seed = 20261204;

    private static Task<RelayProcess> StartForwarderAsync(int listenPort, int targetPort, CancellationToken token) =>
        RelayBinary.StartListeningAsync(token, "-b", "-E", $"ws-l:127.0.0.1:{listenPort}", $"tcp:127.0.0.1:{targetPort}");

    private static async Task<ClientWebSocket> ConnectAsync(int port, string path, CancellationToken token, Action<ClientWebSocketOptions>? configure = null)
    {
        var client = new ClientWebSocket();
        configure?.Invoke(client.Options);
        await client.ConnectAsync(new Uri($"ws://127.0.0.1:{port}{path}"), token);
        return client;
    }

    /// <summary>Receives until <paramref name="expected"/> payload bytes are in; returns their SHA-256.</summary>
    private static async Task<byte[]> ReceiveBytesAsync(WebSocket client, long expected, CancellationToken token)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[256 * 1024];
        long received = 0;
        while (received < expected)
        {
            var result = await client.ReceiveAsync(buffer.AsMemory(), token);
            Assert.True(result.MessageType == WebSocketMessageType.Binary, $"expected binary data after {received} of {expected} bytes, got {result.MessageType} ({client.CloseStatus} {client.CloseStatusDescription})");
            hash.AppendData(buffer, 0, result.Count);
            received += result.Count;
        }

        Assert.Equal(expected, received);
        return hash.GetHashAndReset();
    }

    /// <summary>Sends <paramref name="data"/> as one message per chunk and checks the echo by SHA-256.</summary>
    private static async Task RoundTripAsync(WebSocket client, byte[] data, int chunk, CancellationToken token)
    {
        var receiving = ReceiveBytesAsync(client, data.Length, token);
        for (var offset = 0; offset < data.Length; offset += chunk)
        {
            await client.SendAsync(data.AsMemory(offset, Math.Min(chunk, data.Length - offset)), WebSocketMessageType.Binary, endOfMessage: true, token);
        }

        Assert.Equal(SHA256.HashData(data), await receiving);
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    [Fact]
    public async Task BinaryRoundTrip_32MiBInMixedMessageSizes_EchoHasSameSha256()
    {
        var token = Loopback.Timeout(60);
        await using var echo = new EchoServer();
        var port = Loopback.FreePort();
        await using var relay = await StartForwarderAsync(port, echo.Port, token);
        using var client = await ConnectAsync(port, "/", token);

        var data = RandomBytes(32 * 1024 * 1024, Seed);
        var sizes = new Random(Seed + 1);
        var receiving = ReceiveBytesAsync(client, data.Length, token);
        var messages = 0;
        for (var offset = 0; offset < data.Length; messages++)
        {
            // A third tiny, a third around a frame header's length boundaries, a third large; 1 B and 200 KiB included.
            var size = messages switch
            {
                0 => 1,
                1 => 200 * 1024,
                _ => (messages % 3) switch
                {
                    0 => sizes.Next(1, 17),
                    1 => sizes.Next(17, 70_000),
                    _ => sizes.Next(70_000, 200 * 1024 + 1),
                },
            };
            size = Math.Min(size, data.Length - offset);
            await client.SendAsync(data.AsMemory(offset, size), WebSocketMessageType.Binary, endOfMessage: true, token);
            offset += size;
        }

        Assert.Equal(SHA256.HashData(data), await receiving);
        Assert.True(messages > 300, $"only {messages} messages");

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", token);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
    }

    [Fact]
    public async Task Close_StartedByClientWith1000_AnsweredWith1000()
    {
        var token = Loopback.Timeout(30);
        await using var echo = new EchoServer();
        var port = Loopback.FreePort();
        await using var relay = await StartForwarderAsync(port, echo.Port, token);
        using var client = await ConnectAsync(port, "/", token);
        await RoundTripAsync(client, RandomBytes(100_000, Seed), 10_000, token);

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", token);

        Assert.Equal(WebSocketState.Closed, client.State);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/some/path?x=1")]
    [InlineData("/deeper/still/ws?token=abc&y=%20z")]
    public async Task RequestPath_Any_IsRelayed(string path)
    {
        var token = Loopback.Timeout(30);
        await using var echo = new EchoServer();
        var port = Loopback.FreePort();
        await using var relay = await StartForwarderAsync(port, echo.Port, token);
        using var client = await ConnectAsync(port, path, token);

        await RoundTripAsync(client, Encoding.UTF8.GetBytes($"hello over {path}"), 1024, token);

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, token);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
    }

    [Fact]
    public async Task ConcurrentClients_Twenty_EachGetsOwnTargetConnectionAndOwnBytes()
    {
        const int Clients = 20;
        var token = Loopback.Timeout(60);
        await using var echo = new EchoServer();
        var port = Loopback.FreePort();
        await using var relay = await StartForwarderAsync(port, echo.Port, token);

        var sockets = await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => ConnectAsync(port, "/", token)));
        try
        {
            // Every client is connected before any sends: 20 sessions at once, each with distinct bytes.
            await Task.WhenAll(sockets.Select((client, i) => RoundTripAsync(client, RandomBytes(512 * 1024 + i, Seed + i), 16 * 1024 + i, token)));
            Assert.Equal(Clients, echo.Accepted);
            await Task.WhenAll(sockets.Select(client => client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, token)));
            Assert.All(sockets, client => Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus));
        }
        finally
        {
            foreach (var client in sockets)
            {
                client.Dispose();
            }
        }
    }

    [Fact]
    public async Task DeadTarget_ClientConnects_UpgradeFailsWith502()
    {
        var token = Loopback.Timeout(30);
        using var deadPort = new RefusingPort(); // nothing listens there, and nothing can meanwhile
        var port = Loopback.FreePort();
        await using var relay = await StartForwarderAsync(port, deadPort.Port, token);

        using var client = new ClientWebSocket();
        client.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => client.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/"), token));
        Assert.Equal(HttpStatusCode.BadGateway, client.HttpStatusCode);

        using var raw = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await raw.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), token);
        var request = $"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await raw.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, token);
        var response = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = await raw.ReceiveAsync(buffer, SocketFlags.None, token)) > 0)
        {
            response.Write(buffer, 0, read);
        }

        var text = Encoding.ASCII.GetString(response.ToArray());
        Assert.StartsWith("HTTP/1.1 502 ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeepAlive_ClientPingsWithTimeout_RelayAnswersAndSessionStaysOpenWhileIdle()
    {
        var token = Loopback.Timeout(30);
        await using var echo = new EchoServer();
        var port = Loopback.FreePort();
        await using var relay = await StartForwarderAsync(port, echo.Port, token);
        await using var tap = new FrameTap(port);
        var interval = TimeSpan.FromMilliseconds(200);
        var timeout = TimeSpan.FromSeconds(1);
        using var client = await ConnectAsync(tap.Port, "/", token, options =>
        {
            options.KeepAliveInterval = interval;
            options.KeepAliveTimeout = timeout; // with a timeout, ClientWebSocket sends Pings and aborts without Pongs
        });

        // Idle with a receive pending, as an application's receive loop would be: with no read pending at all,
        // ClientWebSocket (.NET 10) misses the pong and aborts after its first ping, against .NET's own server too.
        // Nothing but keepalive flows: twelve pongs, a 200 ms interval apart, span at least 2.2 s, twice the 1 s timeout.
        var data = RandomBytes(200_000, Seed);
        var receiving = ReceiveBytesAsync(client, data.Length, token);
        const int Pongs = 12;
        await tap.WaitToClientAsync(opcode: 0xA, Pongs, token);

        Assert.True(tap.ToServer(opcode: 0x9) >= Pongs, $"{tap.ToServer(0x9)} pings for {tap.ToClient(0xA)} pongs");
        Assert.False(receiving.IsCompleted, $"the pending receive ended while idle: {receiving.Exception}");
        Assert.Equal(WebSocketState.Open, client.State);
        for (var offset = 0; offset < data.Length; offset += 50_000)
        {
            await client.SendAsync(data.AsMemory(offset, Math.Min(50_000, data.Length - offset)), WebSocketMessageType.Binary, endOfMessage: true, token);
        }

        Assert.Equal(SHA256.HashData(data), await receiving);
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, token);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
    }

    [Fact]
    public async Task TargetCloses_AfterSendingBytes_ClientGetsBytesThenClose1000()
    {
        var token = Loopback.Timeout(30);
        var data = RandomBytes(1024 * 1024 + 7, Seed);
        using var target = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        target.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        target.Listen(1);
        var serving = ServeThenCloseAsync(target, data, token);
        var port = Loopback.FreePort();
        await using var relay = await StartForwarderAsync(port, ((IPEndPoint)target.LocalEndPoint!).Port, token);
        using var client = await ConnectAsync(port, "/", token);

        Assert.Equal(SHA256.HashData(data), await ReceiveBytesAsync(client, data.Length, token));
        var last = await client.ReceiveAsync(new byte[16].AsMemory(), token);
        await serving;

        Assert.Equal(WebSocketMessageType.Close, last.MessageType);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
        await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, token);
        Assert.Equal(WebSocketState.Closed, client.State);

        static async Task ServeThenCloseAsync(Socket listener, byte[] data, CancellationToken token)
        {
            using var accepted = await listener.AcceptAsync(token);
            await accepted.SendAsync(data, SocketFlags.None, token);
            accepted.Shutdown(SocketShutdown.Both);
            accepted.Close();
        }
    }
}
