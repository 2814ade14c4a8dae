using System.Diagnostics;

namespace Relay.Core.Relaying;

/// <summary>
/// Keeps one busy direction from holding a thread that other sessions need. While its reads and writes keep completing
/// without waiting (a bulk stream on a fast link), a relay loop never returns its thread. With inline socket
/// completions (the CLI turns them on) that thread is a socket engine's event thread, and every other session on that
/// engine would wait behind the stream. Once a loop has run for about <see cref="Budget"/> without waiting, it yields
/// once and goes on from the thread pool; its next wait brings it back to an event thread.
/// </summary>
internal struct BusyTurns
{
    /// <summary>How long a loop may keep its thread without waiting: 1 ms, a few dozen 64 KiB messages.</summary>
    public static readonly long Budget = Stopwatch.Frequency / 1000;

    /// <summary>The clock is read every this many turns without a wait (a read costs about 20 ns, a turn with a
    /// 64-byte message in memory about 50).</summary>
    private const int TurnsPerClockRead = 4;

    private long _since;
    private int _turns;

    /// <summary>Counts one loop turn; true when the loop should yield before the next.</summary>
    /// <param name="waited">Some read or write of this turn did not complete synchronously.</param>
    public bool Next(bool waited)
    {
        if (waited)
        {
            _since = 0;
            _turns = 0;
            return false;
        }

        if (++_turns < TurnsPerClockRead)
        {
            return false;
        }

        _turns = 0;
        var now = Stopwatch.GetTimestamp();
        if (_since == 0)
        {
            _since = now;
            return false;
        }

        if (now - _since < Budget)
        {
            return false;
        }

        _since = 0;
        return true;
    }
}
