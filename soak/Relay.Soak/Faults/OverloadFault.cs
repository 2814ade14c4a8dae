using Relay.Core.Hosting;
using Relay.Soak.Client;
using Relay.Soak.Relays;
using Relay.Soak.Target;
using Relay.Soak.Workloads;

namespace Relay.Soak.Faults;

/// <summary>
/// overload, against <c>capped</c> (max 8 sessions, nothing else uses it): hold 8 echo-checked sessions, then a 9th
/// upgrade must get 503 with Retry-After; the 8 still echo; close them; then a new session succeeds within 5 s.
/// </summary>
public sealed class OverloadFault(SoakContext context) : Fault(context, "overload")
{
    private static readonly TimeSpan s_recoverWithin = TimeSpan.FromSeconds(5);

    protected override async Task<string?> InjectAsync(long sessionId, long injection, Random random, CancellationToken timeout)
    {
        var capped = Context.Relays.Capped;
        var held = new List<SoakClient>();
        try
        {
            for (var i = 0; i < RelayFleet.CappedSessions; i++)
            {
                held.Add(await SoakContext.ConnectAsync(capped, new Preamble(TargetMode.Echo, Context.NextSessionId(), 0), 1024, timeout));
            }

            if (await EchoAllAsync(held, random, timeout) is { } before)
            {
                return $"a held session did not echo before the overload: {before}";
            }

            var (status, headers) = await RawUpgrade.RequestAsync(capped.Url(), timeout);
            if (status != 503 || !headers.ContainsKey("retry-after"))
            {
                return $"expected 503 with Retry-After for session {RelayFleet.CappedSessions + 1}, got {status}{(headers.ContainsKey("retry-after") ? string.Empty : " without Retry-After")}";
            }

            if (await EchoAllAsync(held, random, timeout) is { } after)
            {
                return $"a held session did not echo after the refused one: {after}";
            }

            foreach (var client in held)
            {
                await client.SendCloseAsync(1000, timeout);
                if (await CloseExpectation.CloseThenEofAsync(client, 1000, answer: false, timeout) is { } ending)
                {
                    return $"closing a held session: {ending}";
                }
            }

            return await RecoverAsync(capped, sessionId, timeout);
        }
        finally
        {
            foreach (var client in held)
            {
                await client.DisposeAsync();
            }
        }
    }

    private async Task<string?> EchoAllAsync(List<SoakClient> clients, Random random, CancellationToken timeout)
    {
        foreach (var client in clients)
        {
            var message = new byte[32];
            random.NextBytes(message);
            if (await ChurnWorkload.EchoAsync(client, message, Context.Ledger, timeout) is { } failure)
            {
                return failure;
            }
        }

        return null;
    }

    /// <summary>A new session must succeed within 5 s of the 8 closing: the relay frees a slot when a session's
    /// cleanup finishes, which the client cannot observe, so it retries a refused upgrade until the bound.</summary>
    private async Task<string?> RecoverAsync(RelayProcess capped, long sessionId, CancellationToken timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var refusals = 0;
        while (true)
        {
            try
            {
                await using var client = await SoakContext.ConnectAsync(capped, new Preamble(TargetMode.Echo, sessionId, 0), 1024, timeout);
                var message = new byte[32];
                if (await ChurnWorkload.EchoAsync(client, message, Context.Ledger, timeout) is { } failure)
                {
                    return $"the session after the overload did not echo: {failure}";
                }

                await client.SendCloseAsync(1000, timeout);
                return await CloseExpectation.CloseThenEofAsync(client, 1000, answer: false, timeout);
            }
            catch (WebSocketConnectException ex) when (ex.HttpStatus == 503 && clock.Elapsed < s_recoverWithin)
            {
                refusals++;
                await Task.Delay(100, timeout); // polling the relay's slot count, which has no event to await
            }
            catch (WebSocketConnectException ex) when (ex.HttpStatus == 503)
            {
                return $"still 503 {clock.Elapsed.TotalSeconds:0.0} s after the 8 sessions closed ({refusals} refusals)";
            }
        }
    }
}
