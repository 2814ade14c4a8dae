using BenchmarkDotNet.Running;

namespace Relay.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/Relay.Benchmarks -- --filter '*'</c> runs the micro benchmarks (any
/// BenchmarkDotNet argument works); <c>-- --check-budget</c> checks allocation against allocation-budget.json.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--check-budget")
        {
            return BudgetCheck.Run(args[1..]);
        }

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, RelayBenchmarkConfig.Create());
        return summaries.Any(summary => summary.HasCriticalValidationErrors || summary.Reports.Any(report => !report.Success)) ? 1 : 0;
    }
}
