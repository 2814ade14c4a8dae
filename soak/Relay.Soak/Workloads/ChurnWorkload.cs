using Relay.Soak.Client;
using Relay.Soak.Relays;
using Relay.Soak.Target;

namespace Relay.Soak.Workloads;

/// <summary>Connection churn: connect, preamble + 32 bytes through Echo, check the echo, Close 1000, repeat.</summary>
public sealed class ChurnWorkload(SoakContext context, int lanes) : Workload(context, "churn", lanes)
{
    private const int MessageLength = 32;

    protected override TimeSpan SessionBound => SessionTimeout.Step;

    protected override async Task<SessionOutcome> RunSessionAsync(long sessionId, RelayProcess relay, Random random, CancellationToken loadStop, CancellationToken timeout)
    {
        await using var client = await SoakContext.ConnectAsync(relay, new Preamble(TargetMode.Echo, sessionId, 0), 1024, timeout);
        var message = new byte[MessageLength];
        random.NextBytes(message);
        var echo = await EchoAsync(client, message, Context.Ledger, timeout);
        if (echo is not null)
        {
            return SessionOutcome.Fail(2 * MessageLength, 0, echo);
        }

        await client.SendCloseAsync(1000, timeout);
        var ending = await CloseExpectation.CloseThenEofAsync(client, 1000, answer: false, timeout);
        return ending is null ? SessionOutcome.Ok(2 * MessageLength, 2 * MessageLength) : SessionOutcome.Fail(2 * MessageLength, 2 * MessageLength, ending);
    }

    /// <summary>
    /// Sends <paramref name="message"/> and reads until its echo is complete, comparing byte for byte. The message and
    /// its echo count as sent (2 × length); on a match both count as verified. Null on success.
    /// </summary>
    public static async Task<string?> EchoAsync(SoakClient client, byte[] message, Ledger ledger, CancellationToken timeout)
    {
        await client.SendAsync(message, timeout);
        ledger.AddSent(2L * message.Length);
        var got = 0;
        while (got < message.Length)
        {
            var next = await client.ReceiveAsync(timeout);
            if (next.Kind != WsEventKind.Data)
            {
                if (next.Kind == WsEventKind.Close && next.CloseCode == 1000)
                {
                    ledger.AddLost(2L * message.Length - got);
                }

                return $"the echo ended after {got} of {message.Length} bytes: {next}";
            }

            if (got + next.Data.Length > message.Length || !next.Data.Span.SequenceEqual(message.AsSpan(got, next.Data.Length)))
            {
                ledger.AddCorrupted(message.Length);
                return $"the echo of a {message.Length}-byte message differs from it at or after byte {got}";
            }

            got += next.Data.Length;
            ledger.AddRelayed(next.Data.Length);
        }

        ledger.AddVerified(2L * message.Length);
        ledger.AddRelayed(message.Length);
        return null;
    }
}
