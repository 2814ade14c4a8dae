using System.Diagnostics;
using System.Globalization;
using Relay.Soak.Faults;
using Relay.Soak.Monitoring;
using Relay.Soak.Relays;

namespace Relay.Soak;

/// <summary>
/// The progress line on stderr, once a second: elapsed/total, sessions open and done, MB relayed, faults injected and
/// unexpected, each relay's RSS. Rewritten in place on a terminal; one plain line every 10 s otherwise (CI logs).
/// </summary>
public sealed class LiveLine(TimeSpan total, Ledger ledger, IReadOnlyList<FaultCounter> faults, SoakMonitor monitor, IReadOnlyList<RelayProcess> relays)
{
    private readonly bool _terminal = !Console.IsErrorRedirected;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var tick = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                tick++;
                if (_terminal)
                {
                    Console.Error.Write("\r" + Format() + "\u001b[K");
                }
                else if (tick % 10 == 0)
                {
                    Console.Error.WriteLine(Format());
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }

        if (_terminal)
        {
            Console.Error.WriteLine();
        }
    }

    public string Format()
    {
        var elapsed = _clock.Elapsed;
        var rss = string.Join(' ', relays.Select(r => $"{r.Name}={(monitor.Latest(r.Name) is { } s ? (s.RssKib / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + "M" : "?")}"));
        return string.Create(CultureInfo.InvariantCulture,
            $"{elapsed:hh\\:mm\\:ss}/{total:hh\\:mm\\:ss} sessions open {ledger.Open} done {ledger.Sessions - ledger.Open} | {ledger.Relayed / 1e6:0} MB | faults {faults.Sum(f => f.Injected)} unexpected {faults.Sum(f => f.Unexpected)} | rss {rss}");
    }
}
