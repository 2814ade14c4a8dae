using Relay.Core.Hosting;

namespace Relay.Load;

/// <summary>Runs one workload against a ws://, wss:// or tcp:// endpoint.</summary>
public static class LoadRunner
{
    /// <summary>The payload of each churn and idle echo.</summary>
    public const int SmallEchoSize = 32;

    /// <summary>
    /// Runs <see cref="LoadOptions.Workload"/> and returns what it measured. Upload, download and rtt use one
    /// connection and throw when it fails; churn and idle count failed connections in <see cref="LoadResult.Failures"/>.
    /// </summary>
    public static async Task<LoadResult> RunAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        if (options.Url.Scheme is not ("ws" or "wss" or "tcp"))
        {
            throw new ArgumentException($"unsupported URL '{options.Url}': use ws://, wss:// or tcp://HOST:PORT", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.MessageSize, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.Bytes, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.ProgressInterval, TimeSpan.Zero, nameof(options));
        var counters = new LoadCounters(options.Workload, options.Progress, options.ProgressInterval);
        await using (counters.ConfigureAwait(false))
        {
            return options.Workload switch
            {
                Workload.Upload => await UploadWorkload.RunAsync(options, counters, cancellationToken).ConfigureAwait(false),
                Workload.Download => await DownloadWorkload.RunAsync(options, counters, cancellationToken).ConfigureAwait(false),
                Workload.Rtt => await RttWorkload.RunAsync(options, counters, cancellationToken).ConfigureAwait(false),
                Workload.Churn => await ChurnWorkload.RunAsync(options, counters, cancellationToken).ConfigureAwait(false),
                Workload.Idle => await IdleWorkload.RunAsync(options, counters, cancellationToken).ConfigureAwait(false),
                _ => throw new ArgumentOutOfRangeException(nameof(options), options.Workload, "unknown workload"),
            };
        }
    }

    /// <summary>Client options per source address, for round-robin; one entry (the caller's) when there are none.</summary>
    internal static ClientOptions[] ClientsFor(LoadOptions options) =>
        options.SourceAddresses.Count == 0
            ? [options.Client]
            : options.SourceAddresses.Select(address => options.Client with { LocalAddress = address }).ToArray();

    /// <summary>Connects with the first source address (bulk and rtt workloads use one connection).</summary>
    internal static Task<LoadConnection> ConnectAsync(LoadOptions options, int messageSize, int receiveBufferSize, CancellationToken cancellationToken) =>
        LoadConnection.ConnectAsync(options.Url, ClientsFor(options)[0], messageSize, receiveBufferSize, cancellationToken);

    /// <summary>Sends our close and waits a bounded time for the peer's, then lets go of the connection.</summary>
    internal static async Task CloseAsync(LoadConnection connection, TimeSpan linger, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(linger);
        try
        {
            await connection.CloseSendAsync(timeout.Token).ConfigureAwait(false);
            await connection.DrainAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or System.Net.Sockets.SocketException)
        {
            connection.Abort();
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
