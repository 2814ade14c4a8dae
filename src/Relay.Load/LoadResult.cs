namespace Relay.Load;

/// <summary>The outcome of one load run. Fields a workload does not produce stay zero or empty.</summary>
public sealed record LoadResult
{
    public required Workload Workload { get; init; }

    public required string Url { get; init; }

    public TimeSpan Elapsed { get; init; }

    /// <summary><see cref="Elapsed"/> in seconds, for JSON readers.</summary>
    public double ElapsedSeconds => Elapsed.TotalSeconds;

    /// <summary>Payload bytes moved (upload: sent and accepted; download: received).</summary>
    public long Bytes { get; init; }

    public double MegabytesPerSecond => Elapsed > TimeSpan.Zero ? Bytes / 1048576.0 / Elapsed.TotalSeconds : 0;

    /// <summary>Round trips (rtt), completed connections (churn), sessions opened (idle).</summary>
    public long Operations { get; init; }

    public long Failures { get; init; }

    public double OperationsPerSecond => Elapsed > TimeSpan.Zero ? Operations / Elapsed.TotalSeconds : 0;

    /// <summary>Round-trip latency percentiles in microseconds (rtt; churn: per connection).</summary>
    public double P50Micros { get; init; }

    public double P99Micros { get; init; }

    public double P999Micros { get; init; }

    public double MaxMicros { get; init; }

    /// <summary>(percentile, microseconds) points for a latency curve.</summary>
    public IReadOnlyList<(double Percentile, double Micros)> Percentiles { get; init; } = [];

    /// <summary>Idle: sessions that answered the check after the hold.</summary>
    public int Live { get; init; }
}
