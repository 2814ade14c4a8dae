using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Relay.Core.Diagnostics;
using Relay.Core.Hosting;
using Relay.Core.Transport;

namespace Relay.Cli;

/// <summary>The server as a hosted service: runs until the host stops it, then drains (RelayServer.RunAsync).</summary>
internal sealed class ServeService(ServeOptions options, ServeSockets sockets, ILoggerFactory loggers, IHostApplicationLifetime lifetime) : BackgroundService
{
    /// <summary>Set when the server could not run; the process then exits with 1.</summary>
    public static bool Failed { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var logger = loggers.CreateLogger("Relay");
        try
        {
            var policy = new ServerPolicy(options.DefaultTarget, options.Routes, options.Token, options.AllowedOrigins);
            var limiter = new SessionLimiter(options.MaxSessions);
            using var certificate = options.TlsCertificatePath is { } path && options.TlsKeyPath is { } key ? new PemCertificateSource(path, key, logger) : null;
            Func<Socket, CancellationToken, Task<ByteEndpoint>>? tls = certificate is null ? null : (socket, token) => TlsAcceptor.AuthenticateAsync(socket, certificate, token);
            var listeners = sockets.Sockets.Select(s => (RelayListener)new WebSocketForwarder(s.Socket, policy, options.Relay, options.HandshakeTimeout, logger, s.Secure ? tls : null)
            {
                DrainTimeout = options.DrainTimeout,
                Limiter = limiter,
            }).ToList();
            await using var server = new RelayServer(listeners, logger);
            MetricsEndpoint? metrics = null;
            if (options.Metrics is { } metricsAddress)
            {
                try
                {
                    metrics = new MetricsEndpoint(metricsAddress, () => server.IsReady, logger);
                }
                catch (SocketException ex)
                {
                    var address = metricsAddress.ToString() ?? "?";
                    ServerLog.MetricsListenFailed(logger, address, ex.Message);
                    Failed = true;
                    lifetime.StopApplication();
                    return;
                }
            }

            // Health and metrics outlive the drain: /readyz says 503 from SIGTERM on, while /healthz stays 200 so that
            // an orchestrator does not kill a process that is finishing its sessions.
            using var metricsStop = new CancellationTokenSource();
            var metricsRun = metrics?.RunAsync(metricsStop.Token) ?? Task.CompletedTask;
            var routes = options.Routes.Count == 0 ? $"default route {options.DefaultTarget}" : $"{options.Routes.Count} routes" + (options.DefaultTarget is { } t ? $" and default route {t}" : string.Empty);
            ServerLog.Started(logger, listeners.Count, routes, options.MaxSessions, options.DrainTimeout.TotalSeconds);
            try
            {
                await server.RunAsync(stoppingToken).ConfigureAwait(false);
            }
            finally
            {
                await metricsStop.CancelAsync().ConfigureAwait(false);
                await metricsRun.ConfigureAwait(false);
                if (metrics is not null)
                {
                    await metrics.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex)
        {
            Failed = true;
            ServerLog.Failed(logger, ex);
            lifetime.StopApplication();
        }
    }
}
