namespace Relay.Soak;

/// <summary>
/// The run's byte accounting, shared by every workload and fault. Sent: payload the harness sent (either direction)
/// in sessions meant to deliver it. Verified: proven intact. Lost: sent but never arrived in a session that ended
/// normally. Corrupted: arrived different. Relayed: every payload byte seen to cross a relay (the live throughput).
/// </summary>
public sealed class Ledger
{
    private long _sent;
    private long _verified;
    private long _lost;
    private long _corrupted;
    private long _relayed;
    private long _sessions;
    private long _open;

    public long Sent => Interlocked.Read(ref _sent);

    public long Verified => Interlocked.Read(ref _verified);

    public long Lost => Interlocked.Read(ref _lost);

    public long Corrupted => Interlocked.Read(ref _corrupted);

    public long Relayed => Interlocked.Read(ref _relayed);

    public long Sessions => Interlocked.Read(ref _sessions);

    public long Open => Interlocked.Read(ref _open);

    public void AddSent(long bytes) => Interlocked.Add(ref _sent, bytes);

    public void AddVerified(long bytes) => Interlocked.Add(ref _verified, bytes);

    public void AddLost(long bytes) => Interlocked.Add(ref _lost, bytes);

    public void AddCorrupted(long bytes) => Interlocked.Add(ref _corrupted, bytes);

    public void AddRelayed(long bytes) => Interlocked.Add(ref _relayed, bytes);

    /// <summary>Counts a session as started and open; dispose the result when it ends.</summary>
    public OpenSession Begin()
    {
        Interlocked.Increment(ref _sessions);
        Interlocked.Increment(ref _open);
        return new OpenSession(this);
    }

    public readonly struct OpenSession(Ledger ledger) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref ledger._open);
    }
}
