namespace Relay.Soak.Monitoring;

/// <summary>
/// One look at a relay from outside: VmRSS (KiB), open descriptors, threads, and the metrics endpoint's
/// relay_sessions_active gauge (null when the relay has no endpoint or the scrape failed). <see cref="At"/> is the time
/// since the monitor was created.
/// </summary>
public sealed record RelaySample(string Relay, TimeSpan At, long RssKib, int Fds, int Threads, long? ActiveSessions);
