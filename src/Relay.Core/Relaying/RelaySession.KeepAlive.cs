using Relay.Core.Framing;

namespace Relay.Core.Relaying;

public sealed partial class RelaySession
{
    private long _lastInbound;   // TimeProvider timestamp of the last read from the WebSocket
    private long _lastData;      // timestamp of the last data relayed either way; kept only with an idle timeout
    private long _pingSentAt;    // timestamp at which the last ping had left (its write completed), 0 if none
    private long _silentSince;   // when the first ping that nothing has answered since left, 0 if none
    private int _pingInFlight;   // 1 while a ping is queued or being written
    private Task? _pingTask;
    private ITimer? _timer;

    /// <summary>
    /// One timer per session, ticking at a quarter of the shorter of interval and timeout: a ping goes out after
    /// <see cref="RelayOptions.PingInterval"/> without inbound traffic (or since the last ping), and the session
    /// ends when nothing arrives for <see cref="RelayOptions.PingTimeout"/> after a ping has actually left. A ping
    /// queued behind bulk data is not counted until its write completes, so it can never count as lost.
    /// </summary>
    private void StartKeepAlive()
    {
        var shortest = TimeSpan.MaxValue;
        foreach (var bound in (ReadOnlySpan<TimeSpan>)[_options.PingInterval, _options.PingTimeout, _options.IdleTimeout])
        {
            if (bound > TimeSpan.Zero && bound < shortest)
            {
                shortest = bound;
            }
        }

        if (shortest == TimeSpan.MaxValue)
        {
            return;
        }

        var tick = TimeSpan.FromTicks(Math.Max(shortest.Ticks / 4, TimeSpan.FromMilliseconds(10).Ticks));
        _timer = _options.TimeProvider.CreateTimer(static state => ((RelaySession)state!).OnKeepAliveTick(), this, tick, tick);
    }

    /// <summary>
    /// Stops the timer and waits for a tick that is running now: after this no tick can touch the session, which
    /// matters because the instance goes back to the pool and its token source is disposed.
    /// </summary>
    private async ValueTask StopKeepAliveAsync()
    {
        if (_timer is { } timer)
        {
            _timer = null;
            await timer.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void OnKeepAliveTick()
    {
        var time = _options.TimeProvider;
        var now = time.GetTimestamp();
        var lastInbound = Volatile.Read(ref _lastInbound);
        var pingSentAt = Volatile.Read(ref _pingSentAt);
        var idle = _options.IdleTimeout;
        if (idle > TimeSpan.Zero && time.GetElapsedTime(Volatile.Read(ref _lastData), now) >= idle)
        {
            // RunCoreAsync's exit path sends the 1001 once the directions have stopped.
            Fail(SessionEnding.IdleTimeout);
            _cts.Cancel();
            return;
        }

        var timeout = _options.PingTimeout;
        if (timeout > TimeSpan.Zero)
        {
            // Counted from the first unanswered ping: pings repeated at a shorter interval must not restart the clock.
            var silentSince = Volatile.Read(ref _silentSince);
            var silentSincePing = silentSince != 0 && lastInbound < silentSince && time.GetElapsedTime(silentSince, now) >= timeout;
            var silentWithoutPings = _options.PingInterval <= TimeSpan.Zero && time.GetElapsedTime(lastInbound, now) >= timeout;
            if (silentSincePing || silentWithoutPings)
            {
                Fail(SessionEnding.PingTimeout);
                _cts.Cancel();
                return;
            }
        }

        var interval = _options.PingInterval;
        if (interval > TimeSpan.Zero
            && time.GetElapsedTime(Math.Max(lastInbound, pingSentAt), now) >= interval
            && Interlocked.Exchange(ref _pingInFlight, 1) == 0)
        {
            _pingTask = SendPingAsync();
        }
    }

    /// <summary>Notes that data moved, for the idle timeout; free when there is none.</summary>
    private void OnData()
    {
        if (_options.IdleTimeout > TimeSpan.Zero)
        {
            Volatile.Write(ref _lastData, _options.TimeProvider.GetTimestamp());
        }
    }

    private async Task SendPingAsync()
    {
        try
        {
            if (await TrySendControlAsync(Opcode.Ping, ReadOnlyMemory<byte>.Empty).ConfigureAwait(false))
            {
                // Counted from the moment it left, not from when it was queued behind bulk data.
                var now = _options.TimeProvider.GetTimestamp();
                if (Volatile.Read(ref _lastInbound) >= Volatile.Read(ref _pingSentAt))
                {
                    // Something arrived since the previous ping (or this is the first): a new silence starts here.
                    Volatile.Write(ref _silentSince, now);
                }

                Volatile.Write(ref _pingSentAt, now);
            }
        }
        finally
        {
            Volatile.Write(ref _pingInFlight, 0);
        }
    }
}
