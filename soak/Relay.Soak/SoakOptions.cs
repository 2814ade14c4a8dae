using System.Globalization;

namespace Relay.Soak;

/// <summary>The soak's command line, parsed by <see cref="TryParse"/>: a pure function from arguments to options or one
/// line of usage error.</summary>
public sealed record SoakOptions(
    TimeSpan Duration,
    string OutDirectory,
    string RelayBinary,
    int Seed,
    int Interactive,
    int Bulk,
    int Churn,
    IReadOnlyDictionary<string, double> FaultRates)
{
    /// <summary>Every fault kind. The default rate (per minute) makes a 2-minute run inject each at least 4 times.</summary>
    public static readonly IReadOnlyList<string> FaultKinds =
    [
        "target-refuses", "target-resets", "client-vanishes", "slow-reader",
        "half-close-client", "half-close-target", "close-keep-open", "overload",
    ];

    public const double DefaultFaultRate = 4;

    public const string Usage = "usage: Relay.Soak --out DIR [--duration 2m] [--relay PATH] [--seed N] [--interactive N] [--bulk N] [--churn N] [--fault KIND=PER_MINUTE]...";

    /// <summary>What --help prints (soak/README.md explains each workload, fault and leak bound).</summary>
    public const string Help = $"""
        Relay.Soak: hours of mixed traffic and injected faults through real relay processes on loopback; fails on any
        lost or corrupted byte, unexpected fault outcome, failed session or leak. soak/README.md explains the report.

        {Usage}

          --out DIR                 where report.md, report.json, the PNG timelines and each relay's log go (required)
          --duration SPAN           how long the load runs: 90s, 2m, 1h [default: 2m]; warm-up and settle come on top
          --relay PATH              the relay binary [default: $RELAY_BIN, else artifacts/relay/relay above the
                                    current directory]
          --seed N                  seed of the session and fault schedule [default: random, printed at start]
          --interactive N           interactive (SSH-like) sessions open at a time [default: 16]
          --bulk N                  bulk transfers at a time in each direction [default: 2]
          --churn N                 connection churn workers [default: 4]
          --fault KIND=PER_MINUTE   injection rate of one fault kind, or all=RATE; 0 turns it off [default: 4 each]
                                    kinds: target-refuses, target-resets, client-vanishes, slow-reader,
                                    half-close-client, half-close-target, close-keep-open, overload

        Exit codes: 0 passed, 1 failed (reasons at the top of report.md) or a relay could not start, 2 usage error.
        """;

    /// <summary>True when the arguments ask for help (printed to stdout, exit 0) rather than a run.</summary>
    public static bool IsHelpRequest(IReadOnlyList<string> args) => args.Any(a => a is "-h" or "--help");

    public static SoakOptions? TryParse(IReadOnlyList<string> args, string currentDirectory, string? relayFromEnvironment, out string? error)
    {
        error = null;
        var duration = TimeSpan.FromMinutes(2);
        string? outDirectory = null;
        var relay = relayFromEnvironment;
        var seed = Environment.TickCount & 0x7FFFFFFF;
        int interactive = 16, bulk = 2, churn = 4;
        var rates = FaultKinds.ToDictionary(k => k, _ => DefaultFaultRate);
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                error = Usage;
                return null;
            }

            if (i + 1 >= args.Count)
            {
                error = $"{name} needs a value; {Usage}";
                return null;
            }

            var value = args[++i];
            switch (name)
            {
                case "--duration":
                    if (!TryParseDuration(value, out duration))
                    {
                        error = $"--duration '{value}': use a number with s, m or h, like 90s, 2m or 1h";
                        return null;
                    }

                    break;
                case "--out":
                    outDirectory = value;
                    break;
                case "--relay":
                    relay = value;
                    break;
                case "--seed":
                case "--interactive":
                case "--bulk":
                case "--churn":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || (name != "--seed" && number > 10_000))
                    {
                        error = $"{name} '{value}': expected a whole number" + (name == "--seed" ? string.Empty : " from 0 to 10000");
                        return null;
                    }

                    _ = name switch
                    {
                        "--seed" => seed = number,
                        "--interactive" => interactive = number,
                        "--bulk" => bulk = number,
                        _ => churn = number,
                    };
                    break;
                case "--fault":
                    if (!TryParseFault(value, rates, out error))
                    {
                        return null;
                    }

                    break;
                default:
                    error = $"unknown option '{name}'; {Usage}";
                    return null;
            }
        }

        if (outDirectory is null)
        {
            error = $"--out DIR is required; {Usage}";
            return null;
        }

        relay ??= FindRelay(currentDirectory);
        if (relay is null || !File.Exists(relay))
        {
            error = relay is null
                ? "no relay binary: pass --relay PATH, set RELAY_BIN, or run ./build.sh to publish artifacts/relay/relay"
                : $"--relay '{relay}': no such file";
            return null;
        }

        return new SoakOptions(duration, Path.GetFullPath(outDirectory, currentDirectory), Path.GetFullPath(relay, currentDirectory), seed, interactive, bulk, churn, rates);
    }

    private static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        if (text.Length < 2 || !double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || number <= 0)
        {
            return false;
        }

        duration = text[^1] switch
        {
            's' => TimeSpan.FromSeconds(number),
            'm' => TimeSpan.FromMinutes(number),
            'h' => TimeSpan.FromHours(number),
            _ => default,
        };
        return duration > TimeSpan.Zero;
    }

    private static bool TryParseFault(string text, Dictionary<string, double> rates, out string? error)
    {
        error = null;
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var kind = equals < 0 ? text : text[..equals];
        if (equals < 0 || !double.TryParse(text.AsSpan(equals + 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rate) || rate > 600)
        {
            error = $"--fault '{text}': expected KIND=PER_MINUTE with a rate from 0 to 600, like target-resets=4";
            return false;
        }

        if (kind == "all")
        {
            foreach (var each in FaultKinds)
            {
                rates[each] = rate;
            }

            return true;
        }

        if (!rates.ContainsKey(kind))
        {
            error = $"--fault '{text}': unknown kind '{kind}'; kinds: all, {string.Join(", ", FaultKinds)}";
            return false;
        }

        rates[kind] = rate;
        return true;
    }

    /// <summary>artifacts/relay/relay in the current directory or the nearest parent that has it.</summary>
    private static string? FindRelay(string directory)
    {
        for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "artifacts", "relay", "relay");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
