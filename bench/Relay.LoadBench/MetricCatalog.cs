namespace Relay.LoadBench;

/// <summary>
/// Every metric the benchmark reports, in table order. Tolerances are for the ratio relay ÷ socat-64k measured in one
/// --check run, set from five reruns of an unchanged build on the 2-core machine the gate runs on (bench/README.md):
/// throughput and its CPU cost tight enough to catch a 10 % loss (25 pairs each), the rest, measured five times,
/// loose enough for their noise. baseline.json carries its own copy; these are the defaults for a new baseline.
/// </summary>
public static class MetricCatalog
{
    public static readonly IReadOnlyList<MetricDefinition> All =
    [
        new("upload.mbps", "MB/s", true, 0.10),
        new("upload.cpu_s_per_gib", "CPU s/GiB", false, 0.15),
        new("download.mbps", "MB/s", true, 0.08),
        new("download.cpu_s_per_gib", "CPU s/GiB", false, 0.10),
        new("rtt.p50_us", "µs", false, 0.40),
        new("rtt.p99_us", "µs", false, 0.40),
        new("rtt.p999_us", "µs", false, 0),
        new("churn.conn_per_s", "conn/s", true, 0.40),
        new("churn.failures", "count", false, 0),
        new("idle.pss_per_session_kib", "KiB/session", false, 0.15),
        new("idle.rss_per_session_kib", "KiB/session", false, 0),
        new("idle.rss_hold_kib", "KiB", false, 0),
        new("idle.rss_base_kib", "KiB", false, 0),
        new("idle.sessions", "count", true, 0),
        new("idle.live", "count", true, 0),
        new("idle.failures", "count", false, 0),
        new("ssh.connect_ms", "ms", false, 0.20),
        new("ssh.scp_mbps", "MB/s", true, 0.30),
        new("ssh.scp_cpu_s_per_gib", "CPU s/GiB", false, 0),
    ];

    public static MetricDefinition? Find(string key) => All.FirstOrDefault(metric => metric.Key == key);
}
