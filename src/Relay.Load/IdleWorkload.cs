using System.Diagnostics;
using Relay.Core.Hosting;

namespace Relay.Load;

/// <summary>
/// Opens <see cref="LoadOptions.Connections"/> sessions (source addresses round-robin), checks each with a 32 B echo,
/// holds them all for <see cref="LoadOptions.Duration"/>, then checks each again. Operations = sessions opened;
/// Live = sessions that answered the second check; Failures = sessions that failed to open or to answer either check.
/// </summary>
internal static class IdleWorkload
{
    /// <summary>Sessions opened (or checked) at once: enough to fill the relay's accept queue, not a SYN flood.</summary>
    private const int Parallelism = 64;

    public static async Task<LoadResult> RunAsync(LoadOptions options, LoadCounters counters, CancellationToken cancellationToken)
    {
        var clients = LoadRunner.ClientsFor(options);
        var sessions = new LoadConnection?[Math.Max(0, options.Connections)];
        var started = Stopwatch.GetTimestamp();
        try
        {
            await Parallel.ForAsync(0, sessions.Length, Limit(cancellationToken), async (i, token) =>
            {
                sessions[i] = await TryOpenAsync(clients[i % clients.Length], options.Url, counters, token).ConfigureAwait(false);
            }).ConfigureAwait(false);

            await Task.Delay(options.Duration, cancellationToken).ConfigureAwait(false);

            var live = 0;
            await Parallel.ForAsync(0, sessions.Length, Limit(cancellationToken), async (i, token) =>
            {
                if (sessions[i] is { } session && !await TryEchoAsync(session, token).ConfigureAwait(false))
                {
                    counters.AddFailure();
                }
                else if (sessions[i] is not null)
                {
                    Interlocked.Increment(ref live);
                }
            }).ConfigureAwait(false);

            return new LoadResult
            {
                Workload = Workload.Idle,
                Url = options.Url.ToString(),
                Elapsed = Stopwatch.GetElapsedTime(started),
                Bytes = counters.Bytes,
                Operations = counters.Operations,
                Failures = counters.Failures,
                Live = live,
            };
        }
        finally
        {
            await Parallel.ForAsync(0, sessions.Length, Limit(CancellationToken.None), async (i, _) =>
            {
                if (sessions[i] is { } session)
                {
                    await LoadRunner.CloseAsync(session, TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        }
    }

    private static ParallelOptions Limit(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken };

    private static async Task<LoadConnection?> TryOpenAsync(ClientOptions client, Uri url, LoadCounters counters, CancellationToken cancellationToken)
    {
        LoadConnection connection;
        try
        {
            connection = await LoadConnection.ConnectAsync(url, client, LoadRunner.SmallEchoSize, LoadConnection.SmallReceiveBufferSize, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ChurnWorkload.IsConnectionFailure(ex))
        {
            counters.AddFailure();
            return null;
        }

        counters.AddOperation();
        if (await TryEchoAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            return connection;
        }

        counters.AddFailure();
        connection.Abort();
        await connection.DisposeAsync().ConfigureAwait(false);
        return null;
    }

    private static async Task<bool> TryEchoAsync(LoadConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await connection.SendAsync(LoadRunner.SmallEchoSize, cancellationToken).ConfigureAwait(false);
            return await connection.ReceiveExactlyAsync(LoadRunner.SmallEchoSize, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ChurnWorkload.IsConnectionFailure(ex))
        {
            return false;
        }
    }
}
