namespace Relay.LoadBench;

/// <summary>The command line: <c>[--quick] [--out DIR] [--websocat PATH] [--check] [--baseline FILE] [--update-baseline]</c>
/// plus <c>--repetitions N</c>, <c>--relays a,b</c> and <c>--workloads a,b</c> for trying things out.</summary>
public sealed record BenchArguments
{
    public const string Usage =
        "usage: dotnet run -c Release --project bench/Relay.LoadBench -- [--quick] [--out DIR] [--websocat PATH] [--check] " +
        "[--baseline FILE] [--update-baseline] [--repetitions N] [--relays a,b] [--workloads a,b]";

    public bool Quick { get; init; }

    public bool Check { get; init; }

    public bool UpdateBaseline { get; init; }

    public string? Out { get; init; }

    public string? Websocat { get; init; }

    public string? BaselinePath { get; init; }

    public int? Repetitions { get; init; }

    public IReadOnlyList<string>? Relays { get; init; }

    public IReadOnlyList<string>? Workloads { get; init; }

    /// <summary>Parses <paramref name="args"/>, or returns an error message.</summary>
    public static (BenchArguments? Arguments, string? Error) Parse(IReadOnlyList<string> args)
    {
        var parsed = new BenchArguments();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            try
            {
                parsed = args[i] switch
                {
                    "--quick" => parsed with { Quick = true },
                    "--check" => parsed with { Check = true },
                    "--update-baseline" => parsed with { UpdateBaseline = true },
                    "--out" => parsed with { Out = Value() },
                    "--websocat" => parsed with { Websocat = Value() },
                    "--baseline" => parsed with { BaselinePath = Value() },
                    "--repetitions" => parsed with { Repetitions = int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture) },
                    "--relays" => parsed with { Relays = Value().Split(',') },
                    "--workloads" => parsed with { Workloads = Value().Split(',') },
                    _ => throw new ArgumentException($"unknown option {args[i]}"),
                };
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException)
            {
                return (null, ex.Message);
            }
        }

        return (parsed, null);
    }
}
