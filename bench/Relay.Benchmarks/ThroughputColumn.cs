using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Relay.Benchmarks;

/// <summary>
/// Throughput computed from the benchmark's <c>Size</c> parameter (bytes per operation) and its mean time per
/// operation: BenchmarkDotNet prints time only. GB and MB are decimal (10^9, 10^6 bytes per second).
/// </summary>
internal sealed class ThroughputColumn(string columnName, double bytesPerUnit) : IColumn
{
    public const string SizeParameter = "Size";

    public static readonly ThroughputColumn GigabytesPerSecond = new("GB/s", 1e9);
    public static readonly ThroughputColumn MegabytesPerSecond = new("MB/s", 1e6);

    public string Id => nameof(ThroughputColumn) + "." + columnName;
    public string ColumnName => columnName;
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => $"Throughput: {SizeParameter} bytes per operation / mean time per operation, in {columnName} ({bytesPerUnit:0e0} bytes)";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var meanNanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (meanNanoseconds is not > 0 || benchmarkCase.Parameters[SizeParameter] is not int size)
        {
            return "-";
        }

        var perSecond = size / (meanNanoseconds.Value / 1e9) / bytesPerUnit;
        return perSecond.ToString(perSecond >= 100 ? "N0" : "N2", System.Globalization.CultureInfo.InvariantCulture);
    }

    public override string ToString() => ColumnName;
}

/// <summary>Adds a GB/s column (codec benchmarks: masking, UTF-8).</summary>
public sealed class GigabytesPerSecondConfig : ManualConfig
{
    public GigabytesPerSecondConfig() => AddColumn(ThroughputColumn.GigabytesPerSecond);
}

/// <summary>Adds an MB/s column (the pump).</summary>
public sealed class MegabytesPerSecondConfig : ManualConfig
{
    public MegabytesPerSecondConfig() => AddColumn(ThroughputColumn.MegabytesPerSecond);
}
