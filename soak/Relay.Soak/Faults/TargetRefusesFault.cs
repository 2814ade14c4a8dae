using Relay.Soak.Client;

namespace Relay.Soak.Faults;

/// <summary>target-refuses: an upgrade to serve's /refused route, whose target port has no listener: expect HTTP 502
/// (serve dials the target before it accepts the upgrade).</summary>
public sealed class TargetRefusesFault(SoakContext context) : Fault(context, "target-refuses")
{
    protected override async Task<string?> InjectAsync(long sessionId, long injection, Random random, CancellationToken timeout)
    {
        var (status, _) = await RawUpgrade.RequestAsync(Context.Relays.Serve.Url("/refused"), timeout);
        return status == 502 ? null : $"expected HTTP 502 from /refused, got {status}";
    }
}
