using System.Net.WebSockets;

namespace Relay.Cli.Tests;

/// <summary>One message through a relay whose target echoes (<c>echo:</c>), with .NET's WebSocket client.</summary>
internal static class WebSocketEcho
{
    public static async Task AssertOneEchoAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new ClientWebSocket();
        await client.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/"), cancellationToken);
        await client.SendAsync("ping"u8.ToArray(), WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
        var echo = new byte[16];
        var received = await client.ReceiveAsync(echo, cancellationToken);
        Assert.Equal("ping"u8.ToArray(), echo.AsSpan(0, received.Count).ToArray());
    }
}
