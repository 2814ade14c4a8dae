using Relay.Soak.Client;
using Relay.Soak.Target;

namespace Relay.Soak.Faults;

/// <summary>close-keep-open: send Close 1000, then neither send nor close the socket, only read: expect the Close echo
/// 1000 and the relay closing the connection (EOF) within 5 s.</summary>
public sealed class CloseKeepOpenFault(SoakContext context) : Fault(context, "close-keep-open")
{
    private static readonly TimeSpan s_within = TimeSpan.FromSeconds(5);

    protected override async Task<string?> InjectAsync(long sessionId, long injection, Random random, CancellationToken timeout)
    {
        var relay = Alternate(injection);
        await using var client = await SoakContext.ConnectAsync(relay, new Preamble(TargetMode.Echo, sessionId, 0), 4096, timeout);
        await client.SendCloseAsync(1000, timeout);
        using var within = CancellationTokenSource.CreateLinkedTokenSource(timeout);
        within.CancelAfter(s_within);
        try
        {
            var ending = await CloseExpectation.CloseThenEofAsync(client, 1000, answer: false, within.Token);
            return ending is null ? null : $"{relay.Name}: {ending}";
        }
        catch (OperationCanceledException) when (within.IsCancellationRequested && !timeout.IsCancellationRequested)
        {
            return $"{relay.Name}: the relay did not echo the Close and close the connection within {s_within.TotalSeconds:0} s";
        }
    }
}
