using System.Globalization;
using System.Net.WebSockets;
using System.Security.Cryptography;

namespace Relay.Interop.Tests;

/// <summary>
/// System.Net.WebSockets in the same line protocol as the script peers, for the cases the older .NET tests
/// (<see cref="ClientWebSocketForwarderTests"/>, <see cref="StdioClientTests"/>) do not cover: as a client
/// <see cref="ClientWebSocket"/> (modes close CODE and wait), as a server <see cref="WebSocketServerPeer"/>
/// (modes echo and ping, the latter .NET's keepalive Pings, which it validates against their Pongs itself).
/// </summary>
public sealed class DotnetPeer : InteropPeer
{
    private readonly CancellationTokenSource _stop = new();
    private WebSocketServerPeer? _server;
    private Task _running = Task.CompletedTask;

    private DotnetPeer()
        : base(Peers.Dotnet)
    {
    }

    public static DotnetPeer StartClient(string url, string mode, string? argument)
    {
        var peer = new DotnetPeer();
        peer._running = peer.RunAsync(() => peer.ClientAsync(new Uri(url), mode, argument));
        return peer;
    }

    public static DotnetPeer StartServer(string mode)
    {
        var peer = new DotnetPeer();
        var server = new WebSocketServerPeer(keepAliveInterval: mode == "ping" ? TimeSpan.FromMilliseconds(100) : TimeSpan.Zero);
        peer._server = server;
        peer.Port = server.Port;
        peer.Report($"listening {peer.Port}");
        peer._running = peer.RunAsync(async () =>
        {
            var session = await server.EchoOneAsync(peer._stop.Token);
            peer.Report($"received {session.BytesReceived} {Hex(session.Sha256)}");
            peer.Report($"close {(int?)session.CloseStatus}");
        });
        return peer;
    }

    private async Task RunAsync(Func<Task> body)
    {
        try
        {
            await body();
        }
        catch (Exception ex) when (!_stop.IsCancellationRequested)
        {
            Report($"error {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}");
        }
        catch (Exception)
        {
            // Disposed while running: the test is over.
        }
        finally
        {
            End();
        }
    }

    private async Task ClientAsync(Uri uri, string mode, string? argument)
    {
        var token = _stop.Token;
        using var client = new ClientWebSocket();
        await client.ConnectAsync(uri, token);
        Report("open");
        var buffer = new byte[64 * 1024];
        if (mode == "close")
        {
            var data = RandomNumberGenerator.GetBytes(1000);
            Report($"sent {data.Length} {Hex(SHA256.HashData(data))}");
            await client.SendAsync(data, WebSocketMessageType.Binary, endOfMessage: true, token);
            var echo = new MemoryStream();
            while (echo.Length < data.Length)
            {
                var result = await client.ReceiveAsync(buffer.AsMemory(), token);
                echo.Write(buffer, 0, result.Count);
            }

            Report($"received {echo.Length} {Hex(SHA256.HashData(echo.ToArray()))}");
            await client.CloseAsync((WebSocketCloseStatus)int.Parse(argument!, CultureInfo.InvariantCulture), "peer-bye", token);
        }
        else
        {
            // wait: receive until the other side's Close, then answer it.
            while ((await client.ReceiveAsync(buffer.AsMemory(), token)).MessageType != WebSocketMessageType.Close)
            {
            }

            await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, token);
        }

        Report($"close {(int?)client.CloseStatus}");
    }

    public override async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _server?.Dispose();
        await _running;
        _stop.Dispose();
    }
}
