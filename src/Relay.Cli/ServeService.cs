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
            var routes = options.Routes.Count == 0 ? $"default route {options.DefaultTarget}" : $"{options.Routes.Count} routes" + (options.DefaultTarget is { } t ? $" and default route {t}" : string.Empty);
            ServerLog.Started(logger, listeners.Count, routes, options.MaxSessions, options.DrainTimeout.TotalSeconds);
            await server.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Failed = true;
            ServerLog.Failed(logger, ex);
            lifetime.StopApplication();
        }
    }
}
