using System.Text.Json;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Relay.Benchmarks;

/// <summary>
/// <c>--check-budget</c>: runs every benchmark once with a very short in-process job (allocation needs the memory
/// diagnoser, not statistics) and compares allocated bytes per operation with allocation-budget.json, as Garnet's
/// BDN_Benchmark_Config.json does. Fails with one line per benchmark over budget, without an entry, or failing to run,
/// and per entry that names no benchmark.
/// </summary>
internal static class BudgetCheck
{
    public const string FileName = "allocation-budget.json";

    public static int Run(string[] args)
    {
        // --budget <file> picks another budget; everything else goes to BenchmarkDotNet (--filter to check a subset).
        var budgetPath = Path.Combine(AppContext.BaseDirectory, FileName);
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--budget" && i + 1 < args.Length)
            {
                budgetPath = args[++i];
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        var filtered = rest.Contains("--filter") || rest.Contains("-f");
        if (!filtered)
        {
            rest.AddRange(["--filter", "*"]);
        }

        var budget = Load(budgetPath);

        // In process: no child project to generate and build per run, which alone would take most of the two minutes.
        // 1 warm-up and 1 measured iteration of a fixed invocation count: the memory diagnoser's extra iteration then
        // runs code that is warm, and its bytes are divided by invocations × OperationsPerInvoke.
        var job = new Job("Budget")
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithStrategy(RunStrategy.Throughput)
            .WithLaunchCount(1)
            .WithWarmupCount(1)
            .WithIterationCount(1)
            .WithInvocationCount(Invocations())
            .WithUnrollFactor(1);
        var config = ManualConfig.CreateMinimumViable()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddLogger(ConsoleLogger.Default)
            .WithArtifactsPath(Path.Combine(RelayBenchmarkConfig.ArtifactsPath(), "budget"))
            .WithOptions(ConfigOptions.DisableLogFile);

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(BudgetCheck).Assembly).Run([.. rest], config);
        var offenders = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var reports = summaries.SelectMany(summary => summary.Reports).ToList();
        foreach (var report in reports)
        {
            var name = FullNameProvider.GetBenchmarkName(report.BenchmarkCase);
            seen.Add(name);
            var allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
            if (!report.Success || allocated is null)
            {
                offenders.Add($"{name}: did not run to completion");
            }
            else if (!budget.TryGetValue(name, out var limit))
            {
                offenders.Add($"{name}: {allocated} B/op allocated, no budget entry in {FileName}");
            }
            else if (allocated > limit)
            {
                offenders.Add($"{name}: {allocated} B/op allocated, budget {limit} B/op");
            }
        }

        foreach (var name in budget.Keys.Where(name => !filtered && !seen.Contains(name)))
        {
            offenders.Add($"{name}: budget entry names no benchmark");
        }

        Console.WriteLine();
        if (reports.Count == 0)
        {
            Console.Error.WriteLine("allocation budget: no benchmark ran");
            return 1;
        }

        foreach (var offender in offenders)
        {
            Console.Error.WriteLine($"allocation budget: {offender}");
        }

        Console.WriteLine(offenders.Count == 0
            ? $"allocation budget: {reports.Count} benchmarks within budget"
            : $"allocation budget: {offenders.Count} offender(s) among {reports.Count} benchmarks");
        return offenders.Count == 0 ? 0 : 1;
    }

    private static int Invocations() => int.TryParse(Environment.GetEnvironmentVariable("BUDGET_INVOCATIONS"), out var n) ? n : 16;

    /// <summary>Reads the "budgets" object: benchmark full name (as in the JSON export's FullName) to bytes per operation.</summary>
    private static Dictionary<string, long> Load(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var budget = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var entry in document.RootElement.GetProperty("budgets").EnumerateObject())
        {
            budget[entry.Name] = entry.Value.GetInt64();
        }

        return budget;
    }
}
