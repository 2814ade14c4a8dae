using System.Net.WebSockets;

namespace Relay.Cli.Tests;

/// <summary>Helpers for the client tests: an environment with no inherited proxy variables, and a server loop that
/// echoes messages until the client closes.</summary>
internal static class ClientTestEnvironment
{
    private static readonly string[] s_proxyVariables =
    [
        "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "ws_proxy", "WS_PROXY", "wss_proxy", "WSS_PROXY",
        "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY",
    ];

    /// <summary>Every proxy variable removed, then <paramref name="variables"/> applied (null removes).</summary>
    public static Dictionary<string, string?> With(params (string Name, string? Value)[] variables)
    {
        var environment = s_proxyVariables.ToDictionary(name => name, _ => (string?)null, StringComparer.Ordinal);
        foreach (var (name, value) in variables)
        {
            environment[name] = value;
        }

        return environment;
    }

    /// <summary>Echoes each message back until the client's Close, then answers it with 1000.</summary>
    public static async Task EchoUntilCloseAsync(WebSocket webSocket, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var received = await webSocket.ReceiveAsync(buffer, cancellationToken);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                await webSocket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
                return;
            }

            await webSocket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, cancellationToken);
        }
    }
}
