using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Relay.Core.Hosting;
using Relay.Core.Relaying;

namespace Relay.Load.Tests;

/// <summary>A <see cref="WebSocketForwarder"/> on 127.0.0.1, port 0, running until disposed.</summary>
internal sealed class InProcessForwarder : IAsyncDisposable
{
    private readonly WebSocketForwarder _forwarder;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    public InProcessForwarder(Target target)
    {
        _forwarder = new WebSocketForwarder(new IPEndPoint(IPAddress.Loopback, 0), target, new RelayOptions { ExitOnEof = true },
            WebSocketForwarder.DefaultHandshakeTimeout, NullLogger.Instance);
        _running = _forwarder.RunAsync(_stop.Token);
    }

    public Uri Url => new($"ws://127.0.0.1:{((IPEndPoint)_forwarder.LocalEndPoint).Port}/");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        await _forwarder.DisposeAsync();
        _stop.Dispose();
    }
}
