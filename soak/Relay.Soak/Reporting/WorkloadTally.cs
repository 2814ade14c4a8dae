namespace Relay.Soak.Reporting;

/// <summary>One workload (interactive, bulk up, bulk down, churn …): its sessions and the bytes it sent and verified.</summary>
public sealed record WorkloadTally(string Name, long Sessions, long Completed, long Failed, long BytesSent, long BytesVerified, IReadOnlyList<string> FailureSamples);
