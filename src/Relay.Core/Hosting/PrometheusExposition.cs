using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Relay.Core.Diagnostics;

namespace Relay.Core.Hosting;

/// <summary>
/// The Prometheus text exposition of the <see cref="RelayMetrics.MeterName"/> meter, produced by OpenTelemetry's
/// Prometheus exporter (docs/metrics.md says why this one and not prometheus-net or a hand-written serializer).
/// </summary>
/// <remarks>
/// The exporter keeps its serializer internal and serves only through its own <see cref="HttpListener"/>; reaching the
/// serializer by reflection would break trimming. So the exporter listens on a private port on 127.0.0.1 and
/// <see cref="MetricsEndpoint"/> fetches <c>/metrics</c> from it for each scrape: one loopback request of a few KiB,
/// while the public endpoint (with its request limits, health and readiness) stays ours.
/// </remarks>
internal sealed class PrometheusExposition : IDisposable
{
    /// <summary>The exposition body is a few KiB; a body past this bound means something is wrong, not a big registry.</summary>
    private const int MaxBodyLength = 4 * 1024 * 1024;

    /// <summary>Attempts at binding the exporter's listener: a free port read from the kernel can be taken before
    /// HttpListener binds it, since HttpListener cannot bind port 0 and report the port it got.</summary>
    private const int BindAttempts = 5;

    /// <summary>Session durations run from a refused handshake (milliseconds) to an SSH session left open for a day;
    /// OpenTelemetry's default buckets stop at 10,000 s and are fine-grained where no session lives.</summary>
    private static readonly double[] s_durationBuckets = [0.01, 0.1, 1, 10, 60, 300, 1800, 3600, 14400, 86400];

    private readonly MeterProvider _provider;
    private readonly HttpClient _client;
    private readonly Uri _scrapeUri;

    public PrometheusExposition()
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = ReserveLoopbackPort();
            try
            {
                _provider = Sdk.CreateMeterProviderBuilder()
                    .AddMeter(RelayMetrics.MeterName)
                    .AddView("relay.session.duration", new ExplicitBucketHistogramConfiguration { Boundaries = s_durationBuckets })
                    .AddPrometheusHttpListener(options =>
                    {
                        options.Host = IPAddress.Loopback.ToString();
                        options.Port = port;
                        options.ScrapeEndpointPath = MetricsEndpoint.MetricsPath;

                        // Every scrape collects afresh: the exporter's response cache would answer a scrape taken right
                        // after a recording with the values from before it.
                        options.ScrapeResponseCacheDurationMilliseconds = 0;

                        // One meter, one process: the scope label and target_info would only repeat what the job knows.
                        options.ScopeInfoEnabled = false;
                        options.TargetInfoEnabled = false;
                    })
                    .Build();
                _scrapeUri = new Uri($"http://{IPAddress.Loopback}:{port}{MetricsEndpoint.MetricsPath}/");
                break;
            }
            catch (InvalidOperationException) when (attempt < BindAttempts)
            {
                // Another process took the port between ReserveLoopbackPort and HttpListener.Start: take another.
            }
        }

        // A series exists once it has a measurement since the provider started. Adding 0 changes no value and makes
        // the unlabelled counters and the gauge show from the first scrape: a dashboard reads 0 sessions, not "no data".
        RelayMetrics.ActiveSessions.Add(0);
        RelayMetrics.Sessions.Add(0);
        RelayMetrics.BytesToWebSocket.Add(0);
        RelayMetrics.BytesFromWebSocket.Add(0);

        // No proxy: HTTP_PROXY in a pod's environment must not send a loopback request elsewhere.
        _client = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) })
        {
            MaxResponseContentBufferSize = MaxBodyLength,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>Collects the instruments now and returns the text exposition (format 0.0.4).</summary>
    public async Task<byte[]> CollectAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _scrapeUri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/plain"));
        using var response = await _client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _client.Dispose();
        _provider.Dispose();
    }

    private static int ReserveLoopbackPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
