namespace Relay.Soak.Monitoring;

/// <summary>A relay process to watch. <paramref name="MetricsBase"/> is e.g. http://127.0.0.1:9391/; null when the relay has no metrics endpoint.</summary>
public sealed record MonitoredRelay(string Name, int Pid, Uri? MetricsBase);
