using Microsoft.Extensions.Time.Testing;
using Relay.Core.Diagnostics;

namespace Relay.Core.Tests.Diagnostics;

public sealed class LogRateLimiterTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void TryAcquire_BurstUsedUp_RefusesAndCountsTheRefusals()
    {
        var limiter = new LogRateLimiter(linesPerSecond: 10, burst: 20, _time);

        for (var i = 0; i < 20; i++)
        {
            Assert.True(limiter.TryAcquire(out var suppressed));
            Assert.Equal(0, suppressed);
        }

        Assert.False(limiter.TryAcquire(out var none));
        Assert.False(limiter.TryAcquire(out _));
        Assert.False(limiter.TryAcquire(out _));
        Assert.Equal(0, none);
        Assert.Equal(3, limiter.Suppressed);
    }

    [Fact]
    public void TryAcquire_DefaultsOnAFakeClock_TwentyAtOnceThenTenASecond()
    {
        var limiter = new LogRateLimiter(_time);

        Assert.Equal(20, Enumerable.Range(0, 100).Count(i => limiter.TryAcquire(out var _)));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(10, Enumerable.Range(0, 100).Count(i => limiter.TryAcquire(out var _)));
    }

    [Fact]
    public void TryAcquire_AfterRefusals_NextLineThroughReportsThemOnce()
    {
        var limiter = new LogRateLimiter(linesPerSecond: 10, burst: 1, _time);
        Assert.True(limiter.TryAcquire(out _));
        for (var i = 0; i < 5; i++)
        {
            Assert.False(limiter.TryAcquire(out _));
        }

        _time.Advance(TimeSpan.FromMilliseconds(100)); // one token at 10 a second

        Assert.True(limiter.TryAcquire(out var suppressed));
        Assert.Equal(5, suppressed);
        Assert.False(limiter.TryAcquire(out _));
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(limiter.TryAcquire(out var again));
        Assert.Equal(1, again);
    }

    [Fact]
    public void TryAcquire_TimeBeforeATokenRefills_StillRefuses()
    {
        var limiter = new LogRateLimiter(linesPerSecond: 10, burst: 1, _time);
        Assert.True(limiter.TryAcquire(out _));

        _time.Advance(TimeSpan.FromMilliseconds(99));

        Assert.False(limiter.TryAcquire(out _));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(limiter.TryAcquire(out _));
    }

    [Fact]
    public void TryAcquire_LongQuiet_RefillsToTheBurstAndNoMore()
    {
        var limiter = new LogRateLimiter(linesPerSecond: 10, burst: 20, _time);
        for (var i = 0; i < 20; i++)
        {
            limiter.TryAcquire(out _);
        }

        _time.Advance(TimeSpan.FromHours(1));

        var granted = Enumerable.Range(0, 100).Count(i => limiter.TryAcquire(out var _));
        Assert.Equal(20, granted);
    }

    [Fact]
    public void TryAcquire_SustainedFlood_LetsThroughTheRateOverTime()
    {
        // 1,000 refusals a second for 10 s: 20 (the burst) + 10 a second get logged, and every other one is counted.
        var limiter = new LogRateLimiter(linesPerSecond: 10, burst: 20, _time);
        long granted = 0, reported = 0;
        for (var i = 0; i < 10_000; i++)
        {
            if (limiter.TryAcquire(out var suppressed))
            {
                granted++;
                reported += suppressed;
            }

            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.InRange(granted, 119, 121);
        Assert.Equal(10_000, granted + reported + limiter.Suppressed);
    }

    [Fact]
    public async Task TryAcquire_ManyThreadsAtOnce_GrantsTheBurstExactlyAndCountsEveryOtherCall()
    {
        var limiter = new LogRateLimiter(linesPerSecond: 10, burst: 20, _time); // the fake clock stands still
        var granted = 0;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                if (limiter.TryAcquire(out var _))
                {
                    Interlocked.Increment(ref granted);
                }
            }
        }))).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(20, granted);
        Assert.Equal(8000 - 20, limiter.Suppressed);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-1, 1)]
    [InlineData(1, 0)]
    public void Constructor_NonPositiveRateOrBurst_Throws(double linesPerSecond, int burst)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogRateLimiter(linesPerSecond, burst, _time));
    }
}
