using System.Diagnostics;

namespace Relay.Load;

/// <summary>
/// The running totals of one load run, updated by its workers with <see cref="Interlocked"/> and reported through
/// <see cref="LoadOptions.Progress"/> every <see cref="LoadOptions.ProgressInterval"/> while the run goes on.
/// </summary>
internal sealed class LoadCounters : IAsyncDisposable
{
    private readonly Workload _workload;
    private readonly IProgress<LoadProgress>? _progress;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reporting;
    private long _bytes;
    private long _operations;
    private long _failures;

    public LoadCounters(Workload workload, IProgress<LoadProgress>? progress, TimeSpan interval)
    {
        _workload = workload;
        _progress = progress;
        _reporting = progress is null ? Task.CompletedTask : ReportAsync(interval);
    }

    public long Bytes => Volatile.Read(ref _bytes);

    public long Operations => Volatile.Read(ref _operations);

    public long Failures => Volatile.Read(ref _failures);

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started);

    public void AddBytes(long bytes) => Interlocked.Add(ref _bytes, bytes);

    public void AddOperation() => Interlocked.Increment(ref _operations);

    public void AddFailure() => Interlocked.Increment(ref _failures);

    private LoadProgress Snapshot() => new(_workload, Elapsed, Bytes, Operations, Failures);

    private async Task ReportAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                _progress!.Report(Snapshot());
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _reporting.ConfigureAwait(false);
        _stop.Dispose();
    }
}
