using System.Security.Cryptography;
using Relay.Soak.Client;
using Relay.Soak.Target;
using Relay.Soak.Workloads;

namespace Relay.Soak.Faults;

/// <summary>
/// half-close-target: HalfCloseThenSink sends N bytes and shuts down its send; the client gets N bytes, then the
/// relay's Close 1000; only then does it send M more bytes and its Close reply: the target's count and SHA-256 must
/// cover all M. The relay (-E, serve) waits its close timeout (2 s) for them, so they are sent at once.
/// </summary>
public sealed class HalfCloseTargetFault(SoakContext context) : Fault(context, "half-close-target")
{
    protected override async Task<string?> InjectAsync(long sessionId, long injection, Random random, CancellationToken timeout)
    {
        var relay = Alternate(injection);
        var downSize = random.NextInt64(1, (1L << 20) + 1);
        var upSize = random.NextInt64(1, (256L << 10) + 1);
        var key = Context.KeyOf(sessionId);
        var seen = Context.Registry.Expect(sessionId);
        try
        {
            await using var client = await SoakContext.ConnectAsync(relay, new Preamble(TargetMode.HalfCloseThenSink, sessionId, downSize), 64 * 1024, timeout);
            Context.Ledger.AddSent(downSize + upSize);
            var scratch = new byte[64 * 1024];
            long received = 0;
            WsEvent next;
            while ((next = await client.ReceiveAsync(timeout)).Kind == WsEventKind.Data)
            {
                var at = SessionPattern.FindMismatch(key, received, next.Data.Span, scratch);
                if (at >= 0 || received + next.Data.Length > downSize)
                {
                    Context.Ledger.AddCorrupted(downSize);
                    return $"{relay.Name}: the target's {downSize} bytes arrived different from byte {Math.Max(at, downSize)}";
                }

                received += next.Data.Length;
                Context.Ledger.AddRelayed(next.Data.Length);
            }

            if (received != downSize || next.Kind != WsEventKind.Close || next.CloseCode != 1000)
            {
                Context.Ledger.AddLost(downSize - received);
                return $"{relay.Name}: expected {downSize} bytes then Close 1000, got {received} bytes then {next}";
            }

            Context.Ledger.AddVerified(downSize);

            // After the relay's Close: the rest of our data, then our Close reply. The data is from another part of the
            // session's stream so the target's hash covers exactly these bytes.
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await BulkUploadWorkload.UploadAsync(client, ~key, upSize, random, Context.Ledger, hash, timeout);
            await client.SendCloseAsync(1000, timeout);
            var end = await CloseExpectation.EofAsync(client, timeout);
            var report = await seen.WaitAsync(TimeSpan.FromSeconds(10), timeout);
            var outcome = BulkUploadWorkload.Judge(Context.Ledger, upSize, upSize, report, hash.GetHashAndReset(), end);
            return outcome.Failure is null ? null : $"{relay.Name}, {upSize} bytes after the relay's Close: {outcome.Failure}";
        }
        finally
        {
            Context.Registry.Forget(sessionId);
        }
    }
}
