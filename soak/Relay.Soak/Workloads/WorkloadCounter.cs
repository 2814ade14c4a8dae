using System.Collections.Concurrent;
using Relay.Soak.Reporting;

namespace Relay.Soak.Workloads;

/// <summary>Thread-safe tallies of one workload, turned into a <see cref="WorkloadTally"/> at the end.</summary>
public sealed class WorkloadCounter(string name)
{
    private const int MaxSamples = 10;
    private readonly ConcurrentQueue<string> _samples = new();
    private long _sessions;
    private long _completed;
    private long _failed;
    private long _sent;
    private long _verified;

    public string Name { get; } = name;

    public long Failed => Interlocked.Read(ref _failed);

    public void Started() => Interlocked.Increment(ref _sessions);

    public void Completed(long sent, long verified)
    {
        Interlocked.Increment(ref _completed);
        Interlocked.Add(ref _sent, sent);
        Interlocked.Add(ref _verified, verified);
    }

    public void Fail(long sent, long verified, string message)
    {
        Interlocked.Increment(ref _failed);
        Interlocked.Add(ref _sent, sent);
        Interlocked.Add(ref _verified, verified);
        if (_samples.Count < MaxSamples)
        {
            _samples.Enqueue(message);
        }
    }

    public WorkloadTally ToTally() => new(Name, Interlocked.Read(ref _sessions), Interlocked.Read(ref _completed), Failed,
        Interlocked.Read(ref _sent), Interlocked.Read(ref _verified), [.. _samples]);
}
