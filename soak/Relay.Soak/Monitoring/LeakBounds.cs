namespace Relay.Soak.Monitoring;

/// <summary>The leak verdict's bounds (soak/README.md explains each one).</summary>
public static class LeakBounds
{
    /// <summary>Descriptors after settle may exceed the baseline by this many (a listener re-armed, a metrics connection).</summary>
    public const int ExtraDescriptors = 4;

    /// <summary>.NET's thread pool keeps threads it grew under load for a while before retiring them.</summary>
    public const int ExtraThreads = 16;

    /// <summary>RSS after settle may exceed the baseline by this much: GC heaps and pooled buffers grown under load.</summary>
    public const long ExtraRssKib = 48 * 1024;

    /// <summary>Runs longer than this also have their RSS trend judged.</summary>
    public static readonly TimeSpan TrendMinimumRun = TimeSpan.FromMinutes(10);

    /// <summary>The RSS slope over the second half of the run must stay below this (MiB per hour) …</summary>
    public const double RssTrendMibPerHour = 32;

    /// <summary>… unless the growth it predicts over that half stays below this many MiB (one GC heap step, not a trend).</summary>
    public const double RssTrendFloorMib = 16;

    /// <summary>The slope bound for a second half this long: max(32 MiB/h, 16 MiB over the half).</summary>
    public static double RssTrendBoundMibPerHour(TimeSpan secondHalf) =>
        Math.Max(RssTrendMibPerHour, RssTrendFloorMib / Math.Max(secondHalf.TotalHours, 1e-9));
}
