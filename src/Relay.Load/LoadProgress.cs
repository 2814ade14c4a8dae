namespace Relay.Load;

/// <summary>A progress report: how far the run is (bytes, operations) and how long it has run.</summary>
public readonly record struct LoadProgress(Workload Workload, TimeSpan Elapsed, long Bytes, long Operations, long Failures);
