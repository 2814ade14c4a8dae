using System.Security.Cryptography;
using Relay.Soak.Client;
using Relay.Soak.Relays;
using Relay.Soak.Target;

namespace Relay.Soak.Workloads;

/// <summary>Bulk upload: 8–64 MiB in messages of 1 B–64 KiB into Sink, then Close 1000; the target's count and SHA-256
/// must equal the client's.</summary>
public sealed class BulkUploadWorkload(SoakContext context, int lanes) : Workload(context, "bulk-upload", lanes)
{
    protected override async Task<SessionOutcome> RunSessionAsync(long sessionId, RelayProcess relay, Random random, CancellationToken loadStop, CancellationToken timeout)
    {
        var size = random.NextInt64(8L << 20, (64L << 20) + 1);
        var key = Context.KeyOf(sessionId);
        var report = Context.Registry.Expect(sessionId);
        try
        {
            await using var client = await SoakContext.ConnectAsync(relay, new Preamble(TargetMode.Sink, sessionId, 0), 4096, timeout);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var sent = await UploadAsync(client, key, size, random, Context.Ledger, hash, timeout);
            Context.Ledger.AddSent(sent);
            await client.SendCloseAsync(1000, timeout);
            var ending = await CloseExpectation.CloseThenEofAsync(client, 1000, answer: false, timeout);
            var seen = await report.WaitAsync(SessionTimeout.Step, timeout);
            return Judge(Context.Ledger, size, sent, seen, hash.GetHashAndReset(), ending);
        }
        finally
        {
            Context.Registry.Forget(sessionId);
        }
    }

    /// <summary>Sends <paramref name="size"/> bytes of the session's stream in random-sized messages, hashing them.</summary>
    public static async Task<long> UploadAsync(SoakClient client, long key, long size, Random random, Ledger ledger, IncrementalHash hash, CancellationToken cancellationToken)
    {
        var buffer = new byte[SoakClient.MaxMessage];
        long offset = 0;
        while (offset < size)
        {
            var length = (int)Math.Min(random.Next(1, SoakClient.MaxMessage + 1), size - offset);
            SessionPattern.Fill(key, offset, buffer.AsSpan(0, length));
            hash.AppendData(buffer, 0, length);
            await client.SendAsync(buffer.AsMemory(0, length), cancellationToken);
            offset += length;
            ledger.AddRelayed(length);
        }

        return offset;
    }

    /// <summary>Compares what the target read with what was sent and books verified, lost or corrupted bytes.</summary>
    public static SessionOutcome Judge(Ledger ledger, long size, long sent, TargetReport seen, byte[] expectedHash, string? ending)
    {
        if (seen.BytesRead == size && seen.Sha256.AsSpan().SequenceEqual(expectedHash))
        {
            ledger.AddVerified(size);
            return ending is null ? SessionOutcome.Ok(sent, size) : SessionOutcome.Fail(sent, size, ending);
        }

        if (seen.BytesRead < size)
        {
            ledger.AddLost(size - seen.BytesRead);
            return SessionOutcome.Fail(sent, 0, $"the target read {seen.BytesRead} of {size} bytes ({size - seen.BytesRead} lost){(seen.Reset ? ", then a reset" : string.Empty)}; {ending ?? "the close was clean"}");
        }

        ledger.AddCorrupted(seen.BytesRead);
        return SessionOutcome.Fail(sent, 0, $"the target read {seen.BytesRead} bytes of {size} sent and its SHA-256 differs; {ending ?? "the close was clean"}");
    }
}
