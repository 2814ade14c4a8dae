using System.Net;
using Relay.Core.Diagnostics;
using Relay.Core.Hosting;
using Relay.Testing;
using Server = Relay.Core.Tests.Hosting.MetricsEndpointTests.Server;

namespace Relay.Core.Tests.Hosting;

/// <summary>
/// /metrics scraped over HTTP and parsed. The instruments are static and other tests record on them at the same time,
/// so each test records under its own <c>test_run</c> tag (a series nobody else touches) and asserts the difference
/// between two scrapes.
/// </summary>
public sealed class MetricsEndpointScrapeTests
{
    [Fact]
    public async Task Metrics_Get_ServesPrometheusContentType()
    {
        await using var server = Server.Start();

        using var response = await server.Client.GetAsync(MetricsEndpoint.MetricsPath, Loopback.Timeout());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task Metrics_FreshEndpoint_ShowsTheSessionAndByteSeriesBeforeAnySession()
    {
        await using var server = Server.Start();

        var text = await ScrapeAsync(server);

        Assert.Equal("gauge", text.Types["relay_sessions_active"]);
        Assert.Equal("counter", text.Types["relay_sessions_total"]);
        Assert.Single(text.Find("relay_sessions_total"), sample => sample.Labels.Count == 0);
        Assert.Single(text.Find("relay_bytes_to_websocket_bytes_total"), sample => sample.Labels.Count == 0);
        Assert.Single(text.Find("relay_bytes_from_websocket_bytes_total"), sample => sample.Labels.Count == 0);
    }

    [Fact]
    public async Task Metrics_AfterRecording_CountersAndGaugeMoveByTheRecordedAmounts()
    {
        await using var server = Server.Start();
        var run = ("test_run", Guid.NewGuid().ToString("N"));
        var tag = new KeyValuePair<string, object?>(run.Item1, run.Item2);
        var before = await ScrapeAsync(server);

        RelayMetrics.Sessions.Add(3, tag);
        RelayMetrics.ActiveSessions.Add(5, tag);
        RelayMetrics.ActiveSessions.Add(-2, tag);
        RelayMetrics.BytesToWebSocket.Add(1000, tag);
        RelayMetrics.BytesFromWebSocket.Add(2500, tag);
        RelayMetrics.HandshakeFailures.Add(4, tag, new("status", 503));
        RelayMetrics.HandshakeFailures.Add(1, tag, new("status", 401));
        var after = await ScrapeAsync(server);

        Assert.Equal(3, Delta(before, after, "relay_sessions_total", run));
        Assert.Equal(3, Delta(before, after, "relay_sessions_active", run));
        Assert.Equal(1000, Delta(before, after, "relay_bytes_to_websocket_bytes_total", run));
        Assert.Equal(2500, Delta(before, after, "relay_bytes_from_websocket_bytes_total", run));
        Assert.Equal(4, Delta(before, after, "relay_handshake_failures_total", run, ("status", "503")));
        Assert.Equal(1, Delta(before, after, "relay_handshake_failures_total", run, ("status", "401")));
    }

    [Fact]
    public async Task Metrics_Types_MatchTheInstruments()
    {
        await using var server = Server.Start();

        // A series appears once it has a measurement since the endpoint started: give each instrument one.
        var tag = new KeyValuePair<string, object?>("test_run", Guid.NewGuid().ToString("N"));
        RelayMetrics.Sessions.Add(1, tag);
        RelayMetrics.ActiveSessions.Add(0, tag);
        RelayMetrics.BytesToWebSocket.Add(1, tag);
        RelayMetrics.BytesFromWebSocket.Add(1, tag);
        RelayMetrics.HandshakeFailures.Add(1, tag, new("status", 400));
        RelayMetrics.SessionDuration.Record(1, tag);

        var text = await ScrapeAsync(server);

        Assert.Equal("counter", text.Types["relay_sessions_total"]);
        Assert.Equal("gauge", text.Types["relay_sessions_active"]);
        Assert.Equal("counter", text.Types["relay_bytes_to_websocket_bytes_total"]);
        Assert.Equal("counter", text.Types["relay_bytes_from_websocket_bytes_total"]);
        Assert.Equal("counter", text.Types["relay_handshake_failures_total"]);
        Assert.Equal("histogram", text.Types["relay_session_duration_seconds"]);
        Assert.Equal("Sessions currently relaying", text.Help["relay_sessions_active"]);
    }

    [Fact]
    public async Task Metrics_SessionDuration_HistogramBucketsSumAndCountMove()
    {
        await using var server = Server.Start();
        var run = ("test_run", Guid.NewGuid().ToString("N"));
        var tag = new KeyValuePair<string, object?>(run.Item1, run.Item2);
        var before = await ScrapeAsync(server);

        RelayMetrics.SessionDuration.Record(0.5, tag);
        RelayMetrics.SessionDuration.Record(42, tag);
        RelayMetrics.SessionDuration.Record(7200, tag);
        var after = await ScrapeAsync(server);

        const string name = "relay_session_duration_seconds";
        Assert.Equal(3, Delta(before, after, name + "_count", run));
        Assert.Equal(7242.5, Delta(before, after, name + "_sum", run), precision: 6);
        Assert.Equal(0, Delta(before, after, name + "_bucket", run, ("le", "0.1")));
        Assert.Equal(1, Delta(before, after, name + "_bucket", run, ("le", "1")));
        Assert.Equal(2, Delta(before, after, name + "_bucket", run, ("le", "60")));
        Assert.Equal(2, Delta(before, after, name + "_bucket", run, ("le", "3600")));
        Assert.Equal(3, Delta(before, after, name + "_bucket", run, ("le", "14400")));
        Assert.Equal(3, Delta(before, after, name + "_bucket", run, ("le", "+Inf")));

        // Buckets are cumulative: each le holds at least the one below it.
        var buckets = after.Find(name + "_bucket", run).Select(sample => sample.Value).ToList();
        Assert.Equal(buckets.Order(), buckets);
    }

    [Fact]
    public async Task Metrics_ConcurrentScrapes_AllSucceed()
    {
        await using var server = Server.Start();
        var run = ("test_run", Guid.NewGuid().ToString("N"));
        RelayMetrics.Sessions.Add(9, new KeyValuePair<string, object?>(run.Item1, run.Item2));

        var scrapes = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => ScrapeAsync(server)));

        Assert.All(scrapes, text => Assert.Equal(9, text.ValueOrZero("relay_sessions_total", run)));
    }

    [Fact]
    public async Task Metrics_Head_ReturnsLengthWithoutBody()
    {
        await using var server = Server.Start();

        var response = await MetricsEndpointTests.RawHttp.ExchangeAsync(server.Endpoint.LocalEndPoint, "HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response, StringComparison.Ordinal);
        Assert.Contains("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n", response, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n", response, StringComparison.Ordinal);
    }

    private static async Task<PrometheusText> ScrapeAsync(Server server)
    {
        using var response = await server.Client.GetAsync(MetricsEndpoint.MetricsPath, Loopback.Timeout());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    private static double Delta(PrometheusText before, PrometheusText after, string name, params (string Name, string Value)[] labels) =>
        after.ValueOrZero(name, labels) - before.ValueOrZero(name, labels);
}
