using System.Text.Json;
using Relay.Soak.Monitoring;

namespace Relay.Soak.Reporting;

/// <summary>
/// Placeholder with the contract's signature so agent A's branch builds and runs on its own: it writes report.json
/// only. Agent B's SoakReport (report.md, report.json, the PNG timelines) replaces this file at the merge.
/// </summary>
public static class SoakReport
{
    public static IReadOnlyList<string> Write(string directory, SoakRunInfo info, SoakTotals totals, SoakMonitor monitor, LeakVerdict verdict)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "report.json");
#pragma warning disable CA1869 // written once per run
        File.WriteAllText(path, JsonSerializer.Serialize(new { info, totals, verdict }, new JsonSerializerOptions { WriteIndented = true }));
#pragma warning restore CA1869
        return [path];
    }
}
