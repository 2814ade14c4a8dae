namespace Relay.Soak.Monitoring;

/// <summary>The harness's side at one sample: MB/s (10^6 bytes) relayed since the previous sample, and its open sessions.</summary>
public sealed record ThroughputSample(TimeSpan At, double MegabytesPerSecond, long SessionsOpen);
