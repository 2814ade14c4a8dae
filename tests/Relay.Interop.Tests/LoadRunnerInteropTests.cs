using Relay.Core.Hosting;
using Relay.Load;
using Relay.Testing;

namespace Relay.Interop.Tests;

/// <summary>
/// The load generator's own client framing against System.Net.WebSockets' server, which rejects unmasked or
/// malformed client frames: ws:// and wss:// round trips and an upload whose bytes the server counts.
/// </summary>
public sealed class LoadRunnerInteropTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Rtt_AgainstManagedWebSocketEcho_CompletesEveryRoundTrip(bool tls)
    {
        var timeout = Loopback.Timeout();
        using var certificates = TestCertificates.Create();
        using var server = new WebSocketServerPeer(tls ? certificates.Server : null);
        var serving = server.EchoOneAsync(timeout);
        var url = new Uri($"{(tls ? "wss" : "ws")}://localhost:{server.Port}/rtt");

        var result = await LoadRunner.RunAsync(new LoadOptions
        {
            Url = url,
            Workload = Workload.Rtt,
            MessageSize = 1000,
            Count = 100,
            Warmup = 10,
            Client = new ClientOptions { Insecure = true },
        }, timeout);

        Assert.Equal(100, result.Operations);
        var session = await serving;
        Assert.Equal(110 * 1000, session.BytesReceived);
        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, session.CloseStatus);
    }

    [Fact]
    public async Task Upload_AgainstManagedWebSocketEcho_ServerReceivesEveryByte()
    {
        var timeout = Loopback.Timeout();
        using var server = new WebSocketServerPeer();
        var serving = server.EchoOneAsync(timeout);

        var result = await LoadRunner.RunAsync(new LoadOptions
        {
            Url = new Uri($"ws://127.0.0.1:{server.Port}/"),
            Workload = Workload.Upload,
            Bytes = 3_000_000,
            MessageSize = 70_000,
        }, timeout);

        Assert.Equal(3_000_000, result.Bytes);
        Assert.Equal(3_000_000, (await serving).BytesReceived);
    }
}
