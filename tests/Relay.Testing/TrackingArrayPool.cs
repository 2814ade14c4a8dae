using System.Buffers;
using System.Collections.Concurrent;

namespace Relay.Testing;

/// <summary>
/// An <see cref="ArrayPool{T}"/> that remembers every array it handed out and fails on a return of an array it does
/// not own or already got back (Kestrel's DiagnosticMemoryPool is the model). <see cref="Outstanding"/> tells how many
/// arrays are rented now; <see cref="PeakOutstandingBytes"/> bounds what a session ever held at once.
/// </summary>
public sealed class TrackingArrayPool : ArrayPool<byte>
{
    private readonly ConcurrentDictionary<byte[], string> _rented = new(ReferenceEqualityComparer.Instance);
    private long _outstandingBytes;
    private long _peakOutstandingBytes;
    private long _rents;

    public int Outstanding => _rented.Count;

    public long OutstandingBytes => Interlocked.Read(ref _outstandingBytes);

    public long PeakOutstandingBytes => Interlocked.Read(ref _peakOutstandingBytes);

    public long Rents => Interlocked.Read(ref _rents);

    /// <summary>Errors seen (double return, foreign array); a test asserts this stays empty.</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    /// <summary>Where each array still rented was rented: for the message of a failing assertion.</summary>
    public string DescribeOutstanding() => string.Join("\n---\n", _rented.Values);

    public override byte[] Rent(int minimumLength)
    {
        var array = new byte[minimumLength];
        _rented[array] = Environment.StackTrace;
        Interlocked.Increment(ref _rents);
        var now = Interlocked.Add(ref _outstandingBytes, array.Length);
        long peak;
        while (now > (peak = Interlocked.Read(ref _peakOutstandingBytes)) && Interlocked.CompareExchange(ref _peakOutstandingBytes, now, peak) != peak)
        {
        }

        return array;
    }

    public override void Return(byte[] array, bool clearArray = false)
    {
        if (!_rented.TryRemove(array, out _))
        {
            Errors.Enqueue($"returned an array of {array.Length} bytes that is not rented (double return or foreign array)");
            return;
        }

        Interlocked.Add(ref _outstandingBytes, -array.Length);
    }
}
