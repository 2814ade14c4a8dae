namespace Relay.Soak.Workloads;

/// <summary>How one workload session ended: payload sent and verified, and the failure if it failed.</summary>
public readonly record struct SessionOutcome(long Sent, long Verified, string? Failure)
{
    public static SessionOutcome Ok(long sent, long verified) => new(sent, verified, null);

    public static SessionOutcome Fail(long sent, long verified, string failure) => new(sent, verified, failure);
}
