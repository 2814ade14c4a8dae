using System.Text.Json;

namespace Relay.LoadBench;

/// <summary>
/// bench/Relay.LoadBench/baseline.json: the ratios relay ÷ socat-64k the gate compares against, and the tolerance per
/// metric (how much worse a ratio may get before the gate fails).
/// </summary>
public sealed record Baseline
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string Note { get; init; } = "";

    /// <summary>Metric key → ratio relay ÷ socat-64k from --check runs.</summary>
    public Dictionary<string, double> Ratios { get; init; } = [];

    /// <summary>Metric key → accepted worsening of the ratio as a fraction; gated metrics are the ones listed.</summary>
    public Dictionary<string, double> Tolerances { get; init; } = [];

    public static Baseline Load(string path) =>
        JsonSerializer.Deserialize<Baseline>(File.ReadAllText(path), s_json) ?? throw new InvalidDataException($"{path} is empty");

    /// <summary>A baseline from this run's ratios, keeping the tolerances of <paramref name="previous"/> (else the catalog's).</summary>
    public static Baseline FromRun(RunRecord run, Baseline? previous)
    {
        var ratios = new Dictionary<string, double>();
        var tolerances = new Dictionary<string, double>();
        foreach (var metric in MetricCatalog.All.Where(metric => metric.Tolerance > 0))
        {
            var row = run.Summary.FirstOrDefault(row => row.Relay == RelayDefinition.RelayName && row.Metric == metric.Key);
            if (row is null || !double.IsFinite(row.RatioToSocat))
            {
                continue;
            }

            ratios[metric.Key] = Math.Round(row.RatioToSocat, 4);
            tolerances[metric.Key] = previous?.Tolerances.GetValueOrDefault(metric.Key, metric.Tolerance) ?? metric.Tolerance;
        }

        return new Baseline
        {
            Note = $"relay ÷ socat-64k, the middle-half geometric mean of per-repetition ratios from a '{run.Plan}' run at {run.Started:yyyy-MM-dd HH:mm} UTC; " +
                "update with: dotnet run -c Release --project bench/Relay.LoadBench -- --check --update-baseline",
            Ratios = ratios,
            Tolerances = tolerances,
        };
    }

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, s_json) + "\n");
}
