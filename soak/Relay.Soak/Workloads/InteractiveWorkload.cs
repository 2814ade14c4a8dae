using Relay.Soak.Client;
using Relay.Soak.Relays;
using Relay.Soak.Target;

namespace Relay.Soak.Workloads;

/// <summary>
/// Interactive sessions, like an SSH shell: 10–60 s each, messages of 1–200 bytes echoed and checked byte for byte,
/// idle gaps of 0.1–3 s (longer than the relays' 1 s ping interval); ends with the client's Close 1000: the stream
/// ends, the Close echo 1000 arrives, then EOF.
/// </summary>
public sealed class InteractiveWorkload(SoakContext context, int lanes) : Workload(context, "interactive", lanes)
{
    protected override async Task<SessionOutcome> RunSessionAsync(long sessionId, RelayProcess relay, Random random, CancellationToken loadStop, CancellationToken timeout)
    {
        var length = TimeSpan.FromSeconds(random.Next(10, 61));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var client = await SoakContext.ConnectAsync(relay, new Preamble(TargetMode.Echo, sessionId, 0), 1024, timeout);
        long sent = 0;
        while (clock.Elapsed < length && !loadStop.IsCancellationRequested)
        {
            var message = new byte[random.Next(1, 201)];
            random.NextBytes(message);
            using var step = CancellationTokenSource.CreateLinkedTokenSource(timeout);
            step.CancelAfter(SessionTimeout.Step);
            var echo = await ChurnWorkload.EchoAsync(client, message, Context.Ledger, step.Token);
            sent += 2L * message.Length;
            if (echo is not null)
            {
                return SessionOutcome.Fail(sent, sent - 2L * message.Length, echo);
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(100, 3001)), loadStop); // the user thinking
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await client.SendCloseAsync(1000, timeout);
        var ending = await CloseExpectation.CloseThenEofAsync(client, 1000, answer: false, timeout);
        return ending is null ? SessionOutcome.Ok(sent, sent) : SessionOutcome.Fail(sent, sent, ending);
    }

    protected override TimeSpan SessionBound => TimeSpan.FromSeconds(120);
}
