using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Relay.Load;

/// <summary>
/// Sequential round trips of <see cref="LoadOptions.MessageSize"/> bytes through an echo target on one connection:
/// <see cref="LoadOptions.Warmup"/> unmeasured, then <see cref="LoadOptions.Count"/> recorded in a histogram.
/// </summary>
internal static class RttWorkload
{
    public static async Task<LoadResult> RunAsync(LoadOptions options, LoadCounters counters, CancellationToken cancellationToken)
    {
        var size = options.MessageSize;
        var receiveBuffer = Math.Clamp(size + 64, 4096, LoadConnection.BulkReceiveBufferSize);
        var connection = await LoadRunner.ConnectAsync(options, size, receiveBuffer, cancellationToken).ConfigureAwait(false);
        var latencies = new LatencyRecorder();
        TimeSpan elapsed;
        try
        {
            for (var i = 0; i < options.Warmup; i++)
            {
                await RoundTripAsync(connection, size, cancellationToken).ConfigureAwait(false);
            }

            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < options.Count; i++)
            {
                var sent = Stopwatch.GetTimestamp();
                await RoundTripAsync(connection, size, cancellationToken).ConfigureAwait(false);
                latencies.Record(Stopwatch.GetElapsedTime(sent));
                counters.AddOperation();
                counters.AddBytes(size);
            }

            elapsed = Stopwatch.GetElapsedTime(started);
        }
        catch
        {
            connection.Abort();
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        await LoadRunner.CloseAsync(connection, TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
        return latencies.Describe(new LoadResult
        {
            Workload = Workload.Rtt,
            Url = options.Url.ToString(),
            Elapsed = elapsed,
            Bytes = (long)options.Count * size,
            Operations = options.Count,
        });
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask RoundTripAsync(LoadConnection connection, int size, CancellationToken cancellationToken)
    {
        await connection.SendAsync(size, cancellationToken).ConfigureAwait(false);
        if (!await connection.ReceiveExactlyAsync(size, cancellationToken).ConfigureAwait(false))
        {
            throw new IOException("the peer closed before echoing the message (is the target an echo?)");
        }
    }
}
