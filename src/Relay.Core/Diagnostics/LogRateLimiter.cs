namespace Relay.Core.Diagnostics;

/// <summary>
/// A token bucket for log lines that a client can cause at will (handshake refusals, TLS failures): at most
/// <c>burst</c> lines at once and <c>linesPerSecond</c> on average, so a flood of bad connections cannot flood the
/// disk. The lines it holds back are counted, and the next line that goes through says how many there were.
/// Called on refusals only, never on the data path: a tiny lock is cheaper to reason about than a CAS loop over
/// three fields.
/// </summary>
public sealed class LogRateLimiter
{
    /// <summary>The default average: ten lines a second.</summary>
    public const double DefaultLinesPerSecond = 10;

    /// <summary>The default burst: twenty lines before the average applies.</summary>
    public const int DefaultBurst = 20;

    private readonly object _gate = new();
    private readonly TimeProvider _timeProvider;
    private readonly double _linesPerSecond;
    private readonly double _burst;
    private double _tokens;
    private long _lastRefill;
    private long _suppressed;

    public LogRateLimiter(double linesPerSecond = DefaultLinesPerSecond, int burst = DefaultBurst, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(linesPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _linesPerSecond = linesPerSecond;
        _burst = burst;
        _tokens = burst;
        _lastRefill = _timeProvider.GetTimestamp();
    }

    /// <summary>The default rate and burst on <paramref name="timeProvider"/>.</summary>
    public LogRateLimiter(TimeProvider? timeProvider)
        : this(DefaultLinesPerSecond, DefaultBurst, timeProvider)
    {
    }

    /// <summary>Lines held back and not yet reported by a line that went through.</summary>
    public long Suppressed
    {
        get
        {
            lock (_gate)
            {
                return _suppressed;
            }
        }
    }

    /// <summary>
    /// Takes one line's token. True: log the line, and when <paramref name="suppressedSinceLast"/> is not zero say
    /// that many lines were held back before it. False: do not log; the line is counted (and
    /// <paramref name="suppressedSinceLast"/> is 0).
    /// </summary>
    public bool TryAcquire(out long suppressedSinceLast)
    {
        var now = _timeProvider.GetTimestamp();
        lock (_gate)
        {
            var elapsed = _timeProvider.GetElapsedTime(_lastRefill, now).TotalSeconds;
            if (elapsed > 0)
            {
                _tokens = Math.Min(_burst, _tokens + (elapsed * _linesPerSecond));
                _lastRefill = now;
            }

            if (_tokens >= 1)
            {
                _tokens -= 1;
                suppressedSinceLast = _suppressed;
                _suppressed = 0;
                return true;
            }

            _suppressed++;
            suppressedSinceLast = 0;
            return false;
        }
    }
}
