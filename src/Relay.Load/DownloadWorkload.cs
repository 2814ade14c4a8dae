using System.Diagnostics;

namespace Relay.Load;

/// <summary>
/// Reads from a target that sends (a TCP source behind the relay) until <see cref="LoadOptions.Bytes"/> have arrived
/// or the peer closed; the time runs from the open connection to the last byte counted.
/// </summary>
internal static class DownloadWorkload
{
    public static async Task<LoadResult> RunAsync(LoadOptions options, LoadCounters counters, CancellationToken cancellationToken)
    {
        var connection = await LoadRunner.ConnectAsync(options, 1, LoadConnection.BulkReceiveBufferSize, cancellationToken).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        long received = 0;
        long reads = 0;
        TimeSpan elapsed;
        try
        {
            while (received < options.Bytes)
            {
                var read = await connection.ReceiveAsync(cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                received += read;
                reads++;
                counters.AddBytes(read);
            }

            elapsed = Stopwatch.GetElapsedTime(started);
        }
        catch
        {
            connection.Abort();
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        // A source may go on sending: close without draining it.
        connection.Abort();
        await connection.DisposeAsync().ConfigureAwait(false);
        return new LoadResult
        {
            Workload = Workload.Download,
            Url = options.Url.ToString(),
            Elapsed = elapsed,
            Bytes = received,
            Operations = reads,
        };
    }
}
