namespace Relay.Core.Hosting;

/// <summary>
/// The cap on concurrent sessions, shared by every listener of a server. A slot is taken when a connection is
/// accepted (so a flood of half-open handshakes counts too) and given back when its session or refusal ends.
/// </summary>
public sealed class SessionLimiter
{
    private int _count;

    /// <param name="max">Most sessions at once; zero or less means no cap.</param>
    public SessionLimiter(int max) => Max = max;

    public int Max { get; }

    public int Count => Volatile.Read(ref _count);

    public bool TryEnter()
    {
        var count = Interlocked.Increment(ref _count);
        if (Max > 0 && count > Max)
        {
            Interlocked.Decrement(ref _count);
            return false;
        }

        return true;
    }

    public void Exit() => Interlocked.Decrement(ref _count);
}
