using System.Diagnostics;

namespace Relay.Load;

/// <summary>
/// Sends <see cref="LoadOptions.Bytes"/> in messages of <see cref="LoadOptions.MessageSize"/>, then a Close 1000 (ws)
/// or Shutdown(Send) (tcp), while a second loop drains whatever comes back (an echo target returns it all). The time
/// runs from the open connection to the far side's close, so bytes still inside the relay are counted in.
/// </summary>
internal static class UploadWorkload
{
    public static async Task<LoadResult> RunAsync(LoadOptions options, LoadCounters counters, CancellationToken cancellationToken)
    {
        var connection = await LoadRunner.ConnectAsync(options, options.MessageSize, LoadConnection.BulkReceiveBufferSize, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var started = Stopwatch.GetTimestamp();
            var draining = Task.Run(() => connection.DrainAsync(cancellationToken), cancellationToken);
            long sent = 0;
            long messages = 0;
            try
            {
                while (sent < options.Bytes)
                {
                    var length = (int)Math.Min(options.MessageSize, options.Bytes - sent);
                    await connection.SendAsync(length, cancellationToken).ConfigureAwait(false);
                    sent += length;
                    messages++;
                    counters.AddBytes(length);
                }

                await connection.CloseSendAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                connection.Abort();
                await draining.ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
                throw;
            }

            await draining.ConfigureAwait(false);
            return new LoadResult
            {
                Workload = Workload.Upload,
                Url = options.Url.ToString(),
                Elapsed = Stopwatch.GetElapsedTime(started),
                Bytes = sent,
                Operations = messages,
            };
        }
    }
}
