namespace Relay.Soak.Workloads;

/// <summary>Bounds for a session's steps: a stalled session is a failure, never a hang.</summary>
public static class SessionTimeout
{
    /// <summary>One echo or one close handshake.</summary>
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(15);

    /// <summary>A whole bulk transfer (64 MiB on a loaded 2-core machine).</summary>
    public static readonly TimeSpan Bulk = TimeSpan.FromSeconds(180);
}
