using Relay.Soak.Client;
using Relay.Soak.Target;

namespace Relay.Soak.Faults;

/// <summary>
/// target-resets: the target sends K bytes (1 KiB–1 MiB) of the stream and resets the connection, alternately via the
/// forwarder and serve: expect Close 1011 within 5 s, and what arrived is a prefix of the stream (bytes the reset
/// dropped are not lost: the target's kernel discards its unsent queue on RST).
/// </summary>
public sealed class TargetResetsFault(SoakContext context) : Fault(context, "target-resets")
{
    private static readonly TimeSpan s_closeWithin = TimeSpan.FromSeconds(5);

    protected override async Task<string?> InjectAsync(long sessionId, long injection, Random random, CancellationToken timeout)
    {
        var relay = Alternate(injection);
        var size = random.NextInt64(1024, (1L << 20) + 1);
        await using var client = await SoakContext.ConnectAsync(relay, new Preamble(TargetMode.ResetAfter, sessionId, size), 64 * 1024, timeout);
        using var within = CancellationTokenSource.CreateLinkedTokenSource(timeout);
        within.CancelAfter(s_closeWithin);
        var scratch = new byte[64 * 1024];
        long received = 0;
        try
        {
            while (true)
            {
                var next = await client.ReceiveAsync(within.Token);
                if (next.Kind == WsEventKind.Data)
                {
                    var at = SessionPattern.FindMismatch(Context.KeyOf(sessionId), received, next.Data.Span, scratch);
                    if (at >= 0 || received + next.Data.Length > size)
                    {
                        Context.Ledger.AddCorrupted(received + next.Data.Length - Math.Max(at, 0));
                        return $"{relay.Name}: byte {Math.Max(at, size)} differs from the stream the target sent before its reset";
                    }

                    received += next.Data.Length;
                    Context.Ledger.AddRelayed(next.Data.Length);
                    continue;
                }

                if (next.Kind == WsEventKind.Close && next.CloseCode == 1011)
                {
                    await client.SendCloseAsync(1011, timeout);
                    return null;
                }

                return $"{relay.Name}: expected Close 1011 after the target's reset ({received} of {size} bytes arrived), got {next}";
            }
        }
        catch (OperationCanceledException) when (within.IsCancellationRequested && !timeout.IsCancellationRequested)
        {
            return $"{relay.Name}: no Close 1011 within {s_closeWithin.TotalSeconds:0} s of the target's reset ({received} of {size} bytes arrived)";
        }
    }
}
