using Relay.Soak.Client;
using Relay.Soak.Relays;
using Relay.Soak.Target;

namespace Relay.Soak.Workloads;

/// <summary>Bulk download: 8–64 MiB from Source; every byte is compared with the session's stream, then the relay's
/// Close 1000 is answered and EOF awaited.</summary>
public sealed class BulkDownloadWorkload(SoakContext context, int lanes) : Workload(context, "bulk-download", lanes)
{
    protected override async Task<SessionOutcome> RunSessionAsync(long sessionId, RelayProcess relay, Random random, CancellationToken loadStop, CancellationToken timeout)
    {
        var size = random.NextInt64(8L << 20, (64L << 20) + 1);
        await using var client = await SoakContext.ConnectAsync(relay, new Preamble(TargetMode.Source, sessionId, size), 256 * 1024, timeout);
        Context.Ledger.AddSent(size);
        return await DownloadAsync(client, Context.KeyOf(sessionId), size, Context.Ledger, pauseAfter: -1, pause: default, timeout);
    }

    /// <summary>
    /// Reads the stream to the relay's Close, checking every byte; pauses reading for <paramref name="pause"/> once
    /// <paramref name="pauseAfter"/> bytes arrived (-1: never). Books verified, lost and corrupted bytes.
    /// </summary>
    public static async Task<SessionOutcome> DownloadAsync(SoakClient client, long key, long size, Ledger ledger, long pauseAfter, TimeSpan pause, CancellationToken timeout)
    {
        var scratch = new byte[64 * 1024];
        long received = 0;
        long mismatch = -1;
        WsEvent last;
        while (true)
        {
            last = await client.ReceiveAsync(timeout);
            if (last.Kind != WsEventKind.Data)
            {
                break;
            }

            if (mismatch < 0)
            {
                var extra = Math.Max(0, received + last.Data.Length - size);
                var at = SessionPattern.FindMismatch(key, received, last.Data.Span[..(int)(last.Data.Length - extra)], scratch);
                mismatch = at >= 0 ? at : extra > 0 ? size : -1;
            }

            var before = received;
            received += last.Data.Length;
            ledger.AddRelayed(last.Data.Length);
            if (pauseAfter >= 0 && before < pauseAfter && received >= pauseAfter)
            {
                await Task.Delay(pause, timeout); // the slow reader's stall: the point of the fault, not a synchronisation
            }
        }

        string? ending = last.Kind == WsEventKind.Close && last.CloseCode == 1000
            ? await CloseThenEofAfterCloseAsync(client, timeout)
            : $"expected the stream then Close 1000, got {last} after {received} of {size} bytes";

        if (mismatch >= 0)
        {
            ledger.AddVerified(mismatch);
            ledger.AddCorrupted(received - mismatch);
            return SessionOutcome.Fail(size, mismatch, $"byte {mismatch} of {size} differs from the stream ({received} received); {ending ?? "the close was clean"}");
        }

        ledger.AddVerified(received);
        if (received < size)
        {
            if (ending is null)
            {
                ledger.AddLost(size - received);
            }

            return SessionOutcome.Fail(size, received, $"{received} of {size} bytes arrived; {ending ?? "then a clean Close 1000 (bytes lost)"}");
        }

        return ending is null ? SessionOutcome.Ok(size, size) : SessionOutcome.Fail(size, size, ending);
    }

    private static async Task<string?> CloseThenEofAfterCloseAsync(SoakClient client, CancellationToken timeout)
    {
        await client.SendCloseAsync(1000, timeout);
        return await CloseExpectation.EofAsync(client, timeout);
    }
}
