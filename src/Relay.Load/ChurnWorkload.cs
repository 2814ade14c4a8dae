using System.Diagnostics;
using System.Net.Sockets;
using Relay.Core.Hosting;

namespace Relay.Load;

/// <summary>
/// <see cref="LoadOptions.Connections"/> workers, each until <see cref="LoadOptions.Duration"/> has passed: connect,
/// handshake, send 32 B, receive the 32 B echo, close (ws: the close handshake; tcp: Shutdown(Send) then EOF).
/// Operations are completed connections; each one's whole life goes into the latency histogram.
/// </summary>
internal static class ChurnWorkload
{
    public static async Task<LoadResult> RunAsync(LoadOptions options, LoadCounters counters, CancellationToken cancellationToken)
    {
        var clients = LoadRunner.ClientsFor(options);
        var workers = new Task<LatencyRecorder>[Math.Max(1, options.Connections)];
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < workers.Length; i++)
        {
            var client = clients[i % clients.Length];
            workers[i] = Task.Run(() => WorkAsync(options.Url, client, started, options.Duration, counters, cancellationToken), cancellationToken);
        }

        var latencies = new LatencyRecorder();
        foreach (var worker in workers)
        {
            latencies.Add(await worker.ConfigureAwait(false));
        }

        return latencies.Describe(new LoadResult
        {
            Workload = Workload.Churn,
            Url = options.Url.ToString(),
            Elapsed = Stopwatch.GetElapsedTime(started),
            Bytes = counters.Bytes,
            Operations = counters.Operations,
            Failures = counters.Failures,
        });
    }

    private static async Task<LatencyRecorder> WorkAsync(Uri url, ClientOptions client, long started, TimeSpan duration, LoadCounters counters, CancellationToken cancellationToken)
    {
        var latencies = new LatencyRecorder();
        while (Stopwatch.GetElapsedTime(started) < duration && !cancellationToken.IsCancellationRequested)
        {
            var begun = Stopwatch.GetTimestamp();
            if (await TryOneAsync(url, client, cancellationToken).ConfigureAwait(false))
            {
                latencies.Record(Stopwatch.GetElapsedTime(begun));
                counters.AddOperation();
                counters.AddBytes(LoadRunner.SmallEchoSize);
            }
            else if (!cancellationToken.IsCancellationRequested)
            {
                counters.AddFailure();
            }
        }

        return latencies;
    }

    /// <summary>One connection's life; false when any step failed.</summary>
    internal static async Task<bool> TryOneAsync(Uri url, ClientOptions client, CancellationToken cancellationToken)
    {
        LoadConnection connection;
        try
        {
            connection = await LoadConnection.ConnectAsync(url, client, LoadRunner.SmallEchoSize, LoadConnection.SmallReceiveBufferSize, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            return false;
        }

        try
        {
            await connection.SendAsync(LoadRunner.SmallEchoSize, cancellationToken).ConfigureAwait(false);
            if (!await connection.ReceiveExactlyAsync(LoadRunner.SmallEchoSize, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            await connection.CloseSendAsync(cancellationToken).ConfigureAwait(false);
            await connection.DrainAsync(cancellationToken).ConfigureAwait(false);
            return connection.PeerClosed;
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            connection.Abort();
            return false;
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal static bool IsConnectionFailure(Exception ex) =>
        ex is WebSocketConnectException or SocketException or IOException or ObjectDisposedException;
}
