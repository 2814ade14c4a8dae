using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Logging.Abstractions;
using Relay.Core.Hosting;
using Relay.Core.Transport;

namespace Relay.Cli;

/// <summary>
/// Runs `relay serve` in the Generic Host: SIGTERM and SIGINT stop it in order (drain, then exit 0), and under systemd
/// it reports readiness (Type=notify) and logs in journald's format. Sockets are bound before the host starts, so a
/// port in use or a bad certificate is one line on stderr and exit 1, not a half-started server.
/// </summary>
internal static class ServeCommand
{
    public static async Task<int> RunAsync(ServeOptions options)
    {
        var sockets = new List<(Socket Socket, bool Secure)>();
        try
        {
            if (options.TlsCertificatePath is { } certificate && options.TlsKeyPath is { } key)
            {
                // Load once now so a missing or mismatched pair is one line before anything listens; the service
                // loads it again with its logger, to log reloads.
                try
                {
                    using var check = new PemCertificateSource(certificate, key, NullLogger.Instance);
                }
                catch (CertificateLoadException ex)
                {
                    await Console.Error.WriteLineAsync($"relay: serve: {ex.Message}").ConfigureAwait(false);
                    return ExitCodes.Failure;
                }
            }

            // systemd socket activation: the listeners come ready-made (relay.socket), named wss for TLS ones.
            IReadOnlyList<ActivatedSocket> activated;
            try
            {
                activated = SystemdSockets.Adopt(SystemdSockets.ReadEnvironment(), Environment.ProcessId);
                SystemdSockets.ClearEnvironment();
            }
            catch (InvalidOperationException ex)
            {
                await Console.Error.WriteLineAsync($"relay: serve: socket activation: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }

            foreach (var socket in activated)
            {
                sockets.Add((socket.Socket, socket.Name.StartsWith("wss", StringComparison.Ordinal)));
            }

            if (sockets.Any(s => s.Secure) && options.TlsCertificatePath is null)
            {
                await Console.Error.WriteLineAsync("relay: serve: a wss socket was handed over by systemd, but there is no --tls-cert/--tls-key").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            foreach (var listener in activated.Count > 0 ? [] : options.Listeners)
            {
                try
                {
                    sockets.Add((ListenSockets.Bind(listener.EndPoint, options.ReusePort), listener.Secure));
                }
                catch (SocketException ex)
                {
                    await Console.Error.WriteLineAsync($"relay: serve: {listener.Text}: {ex.Message}").ConfigureAwait(false);
                    return ExitCodes.Failure;
                }
            }

            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            ConfigureLogging(builder.Logging, options);
            builder.Services.AddSystemd();
            builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.DrainTimeout + RelayListener.CloseBound + TimeSpan.FromSeconds(5));
            builder.Services.AddSingleton(options);
            builder.Services.AddSingleton(new ServeSockets(sockets));
            builder.Services.AddHostedService<ServeService>();
            using var host = builder.Build();
            sockets = [];
            await host.RunAsync().ConfigureAwait(false);
            return ServeService.Failed ? ExitCodes.Failure : ExitCodes.Success;
        }
        finally
        {
            foreach (var (socket, _) in sockets)
            {
                socket.Dispose();
            }
        }
    }

    private static void ConfigureLogging(ILoggingBuilder logging, ServeOptions options)
    {
        logging.SetMinimumLevel(options.Verbose ? LogLevel.Debug : options.Quiet ? LogLevel.Warning : LogLevel.Information);

        // Every line to stderr, as in the other modes: a service manager or container runtime collects it either way.
        logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        if (options.JsonLogs)
        {
            logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.JsonWriterOptions = new JsonWriterOptions { Indented = false };
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });
        }
    }
}
