using System.Collections.Concurrent;
using Relay.Soak.Reporting;

namespace Relay.Soak.Faults;

/// <summary>Thread-safe tallies of one fault kind, turned into a <see cref="FaultTally"/> at the end.</summary>
public sealed class FaultCounter(string kind)
{
    private const int MaxSamples = 10;
    private readonly ConcurrentQueue<string> _samples = new();
    private long _injected;
    private long _expected;
    private long _unexpected;

    public string Kind { get; } = kind;

    public long Injected => Interlocked.Read(ref _injected);

    public long Unexpected => Interlocked.Read(ref _unexpected);

    public void Inject() => Interlocked.Increment(ref _injected);

    public void Expected() => Interlocked.Increment(ref _expected);

    public void Miss(string message)
    {
        Interlocked.Increment(ref _unexpected);
        if (_samples.Count < MaxSamples)
        {
            _samples.Enqueue(message);
        }
    }

    public FaultTally ToTally() => new(Kind, Injected, Interlocked.Read(ref _expected), Unexpected, [.. _samples]);
}
