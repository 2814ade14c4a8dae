using System.Text.Json;
using Relay.LoadBench;
using Relay.Testing;

// The macro benchmark: Relay beside socat, websockify, websocketd (and websocat when present) on loopback, with
// ratios measured in one run; --check is the regression gate against baseline.json. See bench/README.md.
if (args is [ChurnGenerator.ChildArgument])
{
    return await ChurnGenerator.ServeAsync(Console.In, Console.Out);
}

var (arguments, error) = BenchArguments.Parse(args);
if (arguments is null)
{
    Console.Error.WriteLine($"{error}\n{BenchArguments.Usage}");
    return 2;
}

string relayBinary;
string? websocat;
try
{
    relayBinary = RelayBinary.Path;
    websocat = RelayCatalog.FindWebsocat(arguments.Websocat);
}
catch (FileNotFoundException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

var repositoryRoot = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(relayBinary)))!;
var plan = arguments.Check ? BenchPlan.Check : arguments.Quick ? BenchPlan.Quick : BenchPlan.Full;
plan = plan with
{
    Repetitions = arguments.Repetitions ?? plan.Repetitions,
    Workloads = arguments.Workloads ?? plan.Workloads,
};
var relays = RelayCatalog.All(relayBinary, websocat, plan.IdleSessions)
    .Where(relay => !arguments.Check || relay.Name is RelayDefinition.RelayName or RelayDefinition.SocatReferenceName)
    .Where(relay => arguments.Relays is null || arguments.Relays.Contains(relay.Name))
    .ToList();
var output = Path.GetFullPath(arguments.Out ?? Path.Combine(repositoryRoot, "artifacts", "loadbench"));
var baselinePath = arguments.BaselinePath ?? Path.Combine(repositoryRoot, "bench", "Relay.LoadBench", "baseline.json");
Directory.CreateDirectory(output);

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

var run = await new BenchRun(plan, relays, relayBinary, Console.Out).RunAsync(stop.Token);
await File.WriteAllTextAsync(Path.Combine(output, "results.json"), JsonSerializer.Serialize(run, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
var report = MarkdownReport.Write(run);
await File.WriteAllTextAsync(Path.Combine(output, "results.md"), report);
var charts = ChartWriter.Write(run, output);
Console.WriteLine();
Console.WriteLine(report);
Console.WriteLine($"wrote {output}/results.json, results.md and {charts.Count} charts");

if (arguments.UpdateBaseline)
{
    var previous = File.Exists(baselinePath) ? Baseline.Load(baselinePath) : null;
    Baseline.FromRun(run, previous).Save(baselinePath);
    Console.WriteLine($"updated {baselinePath}");
}

if (arguments.Check)
{
    if (!File.Exists(baselinePath))
    {
        Console.Error.WriteLine($"no baseline at {baselinePath}: run with --check --update-baseline first");
        return 2;
    }

    var (passed, lines) = RegressionGate.Check(run, Baseline.Load(baselinePath));
    Console.WriteLine($"regression gate against {baselinePath}{(run.Noisy ? " (noisy run: " + string.Join("; ", run.NoisyReasons) + ")" : "")}:");
    foreach (var line in lines)
    {
        Console.WriteLine("  " + line);
    }

    Console.WriteLine(passed ? "gate passed" : "gate FAILED");
    return passed ? 0 : 1;
}

return run.Samples.Any(sample => sample.Error is not null) ? 1 : 0;
