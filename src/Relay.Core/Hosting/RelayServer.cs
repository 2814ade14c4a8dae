using Microsoft.Extensions.Logging;
using Relay.Core.Diagnostics;

namespace Relay.Core.Hosting;

/// <summary>
/// A set of listeners sharing one policy and one session cap: what `relay serve` runs, and what the websocat-style
/// forwarder runs with one listener. Stopping drains every listener at once (DESIGN.md §6): readiness flips to false,
/// accepting stops, running sessions get the listeners' drain timeout to end, the rest are closed with 1001.
/// </summary>
public sealed class RelayServer : IAsyncDisposable
{
    private readonly ILogger _logger;
    private volatile bool _stopping;

    public RelayServer(IReadOnlyList<RelayListener> listeners, ILogger logger)
    {
        if (listeners.Count == 0)
        {
            throw new ArgumentException("a server needs at least one listener", nameof(listeners));
        }

        Listeners = listeners;
        _logger = logger;
    }

    public IReadOnlyList<RelayListener> Listeners { get; }

    /// <summary>Ready for new sessions: true until a stop begins (what /readyz reports).</summary>
    public bool IsReady => !_stopping;

    public int ActiveSessions => Listeners.Sum(l => l.ActiveSessions);

    /// <summary>Serves until <paramref name="stoppingToken"/> fires, then drains and returns once every session ended.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        using var registration = stoppingToken.Register(static state => ((RelayServer)state!).OnStopping(), this);
        await Task.WhenAll(Listeners.Select(l => l.RunAsync(stoppingToken))).ConfigureAwait(false);
        ServerLog.Stopped(_logger);
    }

    private void OnStopping()
    {
        _stopping = true;
        ServerLog.StopRequested(_logger, ActiveSessions);
    }

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        foreach (var listener in Listeners)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }
    }
}
