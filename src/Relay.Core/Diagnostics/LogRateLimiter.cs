namespace Relay.Core.Diagnostics;

/// <summary>Placeholder token bucket; replaced by the listen branch's LogRateLimiter on merge.</summary>
public sealed class LogRateLimiter
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private double _tokens = 20;
    private long _last;
    private long _suppressed;

    public LogRateLimiter(TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        _last = _time.GetTimestamp();
    }

    public bool TryAcquire(out long suppressedSinceLast)
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            _tokens = Math.Min(20, _tokens + (_time.GetElapsedTime(_last, now).TotalSeconds * 10));
            _last = now;
            if (_tokens >= 1)
            {
                _tokens--;
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
