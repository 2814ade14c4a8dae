using System.Net;
using System.Net.Sockets;
using Relay.Core.Framing;
using Relay.Testing;

namespace Relay.Cli.Tests;

/// <summary>relay serve's health and metrics listener, scraped and parsed while sessions run and while it drains.</summary>
public sealed class ServeMetricsTests : IClassFixture<RelayBinaryFixture>
{
    [Fact]
    public async Task Serve_Metrics_ScrapeCountsSessionsAndReadinessFlipsOnSigtermWhileHealthStays()
    {
        var timeout = Loopback.Timeout(30);
        await using var echo = new EchoServer();
        var metricsPort = Loopback.FreePort();
        await using var serve = await ServeProcess.StartAsync(timeout, null, "--target", $"tcp:127.0.0.1:{echo.Port}", "--metrics", $"127.0.0.1:{metricsPort}", "--drain-timeout", "20");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };

        await using (var done = (await UpgradeClient.ConnectAsync(serve.Port, "/", timeout)).Open)
        {
            await ServePolicyTests.AssertEchoesAsync(done, "12345", timeout);
            await done.SendCloseAsync(CloseStatus.NormalClosure, cancellationToken: timeout);
            await done.ReadFrameAsync(timeout);
        }

        await serve.WaitForLogAsync("ended after", timeout);
        var held = (await UpgradeClient.ConnectAsync(serve.Port, "/", timeout)).Open;
        await ServePolicyTests.AssertEchoesAsync(held, "held", timeout);
        Assert.StartsWith("HTTP/1.1 426 ", await HttpExchange.ExchangeAsync(serve.Port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), timeout), StringComparison.Ordinal);

        var scrape = PrometheusText.Parse(await http.GetStringAsync("/metrics", timeout));
        Assert.Equal(1, scrape.ValueOrZero("relay_sessions_active"));
        Assert.Equal(2, scrape.ValueOrZero("relay_sessions_total"));
        Assert.Equal(5, scrape.ValueOrZero("relay_bytes_from_websocket_bytes_total"));
        Assert.Equal(5, scrape.ValueOrZero("relay_bytes_to_websocket_bytes_total"));
        Assert.Equal(1, scrape.ValueOrZero("relay_handshake_failures_total", ("status", "426")));
        Assert.Equal(1, scrape.ValueOrZero("relay_session_duration_seconds_count"));
        Assert.Equal("counter", scrape.Types["relay_sessions_total"]);
        Assert.Equal("gauge", scrape.Types["relay_sessions_active"]);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz", timeout)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz", timeout)).StatusCode);

        serve.Terminate();
        await serve.WaitForLogAsync("stopped accepting; draining 1 sessions", timeout);
        var ready = await http.GetAsync("/readyz", timeout);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("draining", (await ready.Content.ReadAsStringAsync(timeout)).Trim());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz", timeout)).StatusCode);
        await ServePolicyTests.AssertEchoesAsync(held, "still relaying", timeout);

        await held.SendCloseAsync(CloseStatus.NormalClosure, cancellationToken: timeout);
        await held.ReadFrameAsync(timeout);
        await held.DisposeAsync();
        Assert.Equal(0, await serve.WaitForExitAsync(timeout));
    }

    [Fact]
    public async Task Serve_MetricsPortTaken_FailsWithExit1()
    {
        var timeout = Loopback.Timeout(20);
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        taken.Listen(1);
        var (code, _, stderr) = await RelayBinary.RunAsync([], timeout, "serve", "--listen", $"ws://127.0.0.1:{Loopback.FreePort()}", "--target", "tcp:127.0.0.1:22", "--metrics", taken.LocalEndPoint!.ToString()!);
        Assert.Equal(1, code);
        Assert.Contains("cannot serve metrics on", stderr, StringComparison.Ordinal);
    }
}
