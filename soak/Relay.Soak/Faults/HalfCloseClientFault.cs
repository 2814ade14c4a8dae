using System.Security.Cryptography;
using Relay.Soak.Client;
using Relay.Soak.Target;
using Relay.Soak.Workloads;

namespace Relay.Soak.Faults;

/// <summary>
/// half-close-client: upload N bytes to SinkThenReply, send Close 1000 and keep reading: expect the 32-byte SHA-256 of
/// what was sent (the target's reply after the client's Close still arrives), then the Close echo 1000, then EOF.
/// </summary>
public sealed class HalfCloseClientFault(SoakContext context) : Fault(context, "half-close-client")
{
    protected override async Task<string?> InjectAsync(long sessionId, long injection, Random random, CancellationToken timeout)
    {
        var relay = Alternate(injection);
        var size = random.NextInt64(1, (1L << 20) + 1);
        await using var client = await SoakContext.ConnectAsync(relay, new Preamble(TargetMode.SinkThenReply, sessionId, 0), 4096, timeout);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await BulkUploadWorkload.UploadAsync(client, Context.KeyOf(sessionId), size, random, Context.Ledger, hash, timeout);
        Context.Ledger.AddSent(size + 32);
        var expected = hash.GetHashAndReset();
        await client.SendCloseAsync(1000, timeout);

        var reply = new List<byte>(32);
        WsEvent next;
        while ((next = await client.ReceiveAsync(timeout)).Kind == WsEventKind.Data)
        {
            reply.AddRange(next.Data.Span);
        }

        if (reply.Count != 32 || !reply.ToArray().AsSpan().SequenceEqual(expected))
        {
            if (reply.Count == 0 && next.Kind == WsEventKind.Close)
            {
                Context.Ledger.AddLost(size + 32); // the target's hash never came back: we cannot tell what it read
            }
            else
            {
                Context.Ledger.AddCorrupted(size + 32);
            }

            return $"{relay.Name}: expected the 32-byte SHA-256 of the {size} bytes sent, got {reply.Count} bytes {(reply.Count == 32 ? "that differ" : string.Empty)} then {next}";
        }

        Context.Ledger.AddVerified(size + 32);
        Context.Ledger.AddRelayed(32);
        if (next.Kind != WsEventKind.Close || next.CloseCode != 1000)
        {
            return $"{relay.Name}: the hash arrived, then {next} instead of the Close echo 1000";
        }

        var end = await CloseExpectation.EofAsync(client, timeout);
        return end is null ? null : $"{relay.Name}: {end}";
    }
}
