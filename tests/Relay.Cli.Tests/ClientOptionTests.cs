using System.Diagnostics;
using Relay.Core.Framing;
using Relay.Testing;

namespace Relay.Cli.Tests;

/// <summary>-H with ${NAME}, --protocol, --origin, --ping-interval and --ping-timeout, seen from a real server by the
/// published client.</summary>
public sealed class ClientOptionTests(RelayBinaryFixture binary) : IClassFixture<RelayBinaryFixture>
{
    [Fact]
    public async Task Client_HeaderWithVariableProtocolOrigin_ServerSeesThemExpanded()
    {
        var timeout = Loopback.Timeout(15);
        await using var server = new ClientTestServer();
        var environment = ClientTestEnvironment.With(("SANDBOX_TOKEN", "tok-123"));

        var run = RelayCommand.RunAsync([], environment, timeout,
            "-b", "-H", "Authorization: Bearer ${SANDBOX_TOKEN}", "-H", "X-Price: $$5 ${SANDBOX_TOKEN}$", "--protocol", "relay.v1", "--origin", "https://console.example", "-", server.Url());
        await using var exchange = await server.NextAsync(timeout);
        using var webSocket = await exchange.AcceptAsync(timeout, subProtocol: "relay.v1");
        await ClientTestEnvironment.EchoUntilCloseAsync(webSocket, timeout);
        var (exit, _, stderr) = await run;

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Equal("Bearer tok-123", exchange.Request["Authorization"]);
        Assert.Equal("$5 tok-123$", exchange.Request["X-Price"]);
        Assert.Equal("relay.v1", exchange.Request["Sec-WebSocket-Protocol"]);
        Assert.Equal("https://console.example", exchange.Request["Origin"]);
    }

    [Fact]
    public async Task Client_HeaderVariableNotSet_Exits2NamingIt()
    {
        var environment = ClientTestEnvironment.With(("SANDBOX_TOKEN", null));

        var (exit, _, stderr) = await RelayCommand.RunAsync([], environment, Loopback.Timeout(15),
            "-b", "-H", "Authorization: Bearer ${SANDBOX_TOKEN}", "-", $"ws://127.0.0.1:{Loopback.FreePort()}/");

        Assert.Equal(2, exit);
        Assert.Equal("relay: -H Authorization: environment variable SANDBOX_TOKEN is not set\n", stderr);
    }

    [Fact]
    public async Task Client_PingInterval_PingGoesOutAfterTheIdleInterval()
    {
        var timeout = Loopback.Timeout(15);
        await using var server = new ClientTestServer();
        using var relay = Start("-b", "--ping-interval", "0.5", "-", server.Url());
        try
        {
            await using var exchange = await server.NextAsync(timeout);
            await using var peer = await exchange.AcceptRawAsync(timeout);
            var idle = Stopwatch.StartNew();

            var frame = await peer.ReadFrameAsync(timeout);

            Assert.NotNull(frame);
            Assert.Equal(Opcode.Ping, frame.Opcode);
            Assert.True(frame.Masked);
            Assert.InRange(idle.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(10));
        }
        finally
        {
            await StopAsync(relay);
        }
    }

    [Fact]
    public async Task Client_PingTimeout_SilentServerIsDroppedWithExit7()
    {
        var timeout = Loopback.Timeout(15);
        await using var server = new ClientTestServer();
        using var relay = Start("-b", "--ping-interval", "0.5", "--ping-timeout", "0.5", "-", server.Url());
        try
        {
            var stderr = relay.StandardError.ReadToEndAsync(timeout);
            await using var exchange = await server.NextAsync(timeout);
            await using var peer = await exchange.AcceptRawAsync(timeout); // upgraded, then never reads nor answers

            await relay.WaitForExitAsync(timeout);

            Assert.Equal(7, relay.ExitCode);
            Assert.Equal($"relay: {server.Url()}: the server did not answer a ping within 0.5 s (--ping-timeout)\n", await stderr);
        }
        finally
        {
            await StopAsync(relay);
        }
    }

    private Process Start(params string[] arguments)
    {
        Assert.NotEmpty(binary.Path);
        return Process.Start(RelayCommand.CreateStartInfo(ClientTestEnvironment.With(), arguments)) ?? throw new InvalidOperationException("relay did not start");
    }

    private static async Task StopAsync(Process relay)
    {
        if (!relay.HasExited)
        {
            relay.Kill(entireProcessTree: true);
        }

        await relay.WaitForExitAsync(CancellationToken.None);
    }
}
