namespace Relay.Soak.Reporting;

/// <summary>What a soak run did: sessions, bytes sent, verified end to end, lost and corrupted, by workload and by fault.</summary>
public sealed record SoakTotals(
    DateTimeOffset Started, TimeSpan Duration,
    long Sessions, long BytesSent, long BytesVerified, long BytesLost, long BytesCorrupted,
    IReadOnlyList<WorkloadTally> Workloads, IReadOnlyList<FaultTally> Faults);
