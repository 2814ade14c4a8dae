using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Relay.Core.Diagnostics;

namespace Relay.Core.Hosting;

/// <summary>
/// The health and metrics HTTP endpoint of <c>relay serve --metrics ADDR:PORT</c>: <c>GET /healthz</c> (live),
/// <c>GET /readyz</c> (503 while draining) and <c>GET /metrics</c> (Prometheus text exposition of the
/// <see cref="RelayMetrics"/> instruments). HEAD works wherever GET does. One request per connection, bounded in size
/// and time, so a slow or oversized client cannot hold the endpoint that the orchestrator probes.
/// </summary>
public sealed partial class MetricsEndpoint : IAsyncDisposable
{
    public const string HealthPath = "/healthz", ReadyPath = "/readyz", MetricsPath = "/metrics";

    /// <summary>The request line and headers must fit here; Prometheus and kubelet send under 300 bytes.</summary>
    internal const int MaxRequestHeadLength = 8 * 1024;

    /// <summary>Connections served at once; more are answered 503 without reading them. A scraper or two and a
    /// kubelet use a handful.</summary>
    internal const int MaxConnections = 32;

    /// <summary>The whole request head must arrive within this, counted from accept: the slow-loris bound.</summary>
    internal static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(5);

    private readonly Socket _socket;
    private readonly Func<bool> _isReady;
    private readonly ILogger _logger;
    private readonly TimeSpan _requestTimeout;
    private readonly PrometheusExposition _exposition;
    private readonly CancellationTokenSource _connectionsStopping = new();
    private readonly TaskCompletionSource _connectionsDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();
    private int _connections;
    private bool _stopping;
    private int _disposed;

    /// <summary>Binds <paramref name="listen"/> at once (port 0 picks a free port; see <see cref="LocalEndPoint"/>).</summary>
    public MetricsEndpoint(EndPoint listen, Func<bool> isReady, ILogger logger)
        : this(listen, isReady, logger, DefaultRequestTimeout)
    {
    }

    internal MetricsEndpoint(EndPoint listen, Func<bool> isReady, ILogger logger, TimeSpan requestTimeout)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(isReady);
        ArgumentNullException.ThrowIfNull(logger);
        _isReady = isReady;
        _logger = logger;
        _requestTimeout = requestTimeout;
        // SO_REUSEADDR alone (a restart binds while the last scrapes sit in TIME_WAIT; no silent sharing with a second
        // relay) and [::] taking IPv4 too, as a kubelet probes the pod's IPv4 address: what every listener does.
        _socket = ListenSockets.Bind(listen, reusePort: false, backlog: 128);
        try
        {
            _exposition = new PrometheusExposition();
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
    }

    /// <summary>The bound address, with the real port when 0 was asked for.</summary>
    public EndPoint LocalEndPoint => _socket.LocalEndPoint!;

    /// <summary>Serves until <paramref name="stoppingToken"/> fires, then closes the listener and ends the requests in flight.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        MetricsEndpointLog.Listening(_logger, LocalEndPoint);
        try
        {
            while (true)
            {
                Socket client;
                try
                {
                    client = await _socket.AcceptAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                catch (ObjectDisposedException)
                {
                    break;
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset or SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
                {
                    // A client that gave up before accept, or a descriptor shortage: the endpoint keeps serving.
                    MetricsEndpointLog.AcceptFailed(_logger, LocalEndPoint, ex.Message);
                    if (ex.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
                    {
                        // Give descriptors a moment to come back; stopping meanwhile ends the loop, not in an exception.
                        await Task.Delay(50, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    }

                    continue;
                }

                bool overCapacity;
                lock (_gate)
                {
                    overCapacity = _connections >= MaxConnections;
                    _connections++;
                }

                _ = ServeConnectionAsync(client, overCapacity);
            }
        }
        finally
        {
            await StopAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // _connectionsStopping is not disposed: RunAsync's own StopAsync may still cancel it, and it holds no timer.
        await StopAsync().ConfigureAwait(false);
        _exposition.Dispose();
    }

    /// <summary>Closes the listener, cancels the connections in flight and waits for them (each ends within its request timeout).</summary>
    private async Task StopAsync()
    {
        _socket.Dispose();
        lock (_gate)
        {
            _stopping = true;
            if (_connections == 0)
            {
                _connectionsDone.TrySetResult();
            }
        }

        await _connectionsStopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _connectionsDone.Task.WaitAsync(_requestTimeout + TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A connection stuck past every bound: its socket is disposed by its own finally when the call returns.
        }
    }

    private void ExitConnection()
    {
        lock (_gate)
        {
            _connections--;
            if (_stopping && _connections == 0)
            {
                _connectionsDone.TrySetResult();
            }
        }
    }
}
