namespace Relay.Load;

/// <summary>Runs one workload against a ws://, wss:// or tcp:// endpoint.</summary>
public static class LoadRunner
{
    public static Task<LoadResult> RunAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        throw new NotImplementedException("the workloads arrive with issue 3's load generator");
    }
}
