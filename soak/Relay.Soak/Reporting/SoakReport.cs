using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Relay.Soak.Monitoring;

namespace Relay.Soak.Reporting;

/// <summary>
/// Writes a soak run's report: report.md (verdict first), report.json and the four PNG timelines. The run fails when
/// the harness says so, and also, as a safety net, when the totals or the leak verdict show a failure the harness did
/// not list: lost or corrupted bytes, unexpected fault outcomes, a failed leak check.
/// </summary>
public static class SoakReport
{
    public const string MarkdownFile = "report.md";
    public const string JsonFile = "report.json";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static JsonSerializerOptions JsonOptions => s_json;

    // writes DIR/report.md, DIR/report.json, DIR/rss.png, DIR/fds.png, DIR/sessions.png, DIR/throughput.png; returns the paths
    public static IReadOnlyList<string> Write(string directory, SoakRunInfo info, SoakTotals totals, SoakMonitor monitor, LeakVerdict verdict)
    {
        Directory.CreateDirectory(directory);
        var charts = SoakCharts.Write(directory, monitor);
        var reasons = Reasons(info, totals, verdict);
        var passed = info.Passed && reasons.Count == 0;
        var machine = new MachineReport(info.Machine, Environment.ProcessorCount, monitor.LoadAverageAtStart, MachineFacts.LoadAverage(), MachineFacts.Kernel());

        var document = new SoakReportDocument(
            passed, reasons, totals.Started, totals.Duration.TotalSeconds, info.Requested.TotalSeconds, info.Seed,
            totals.Sessions, totals.BytesSent, totals.BytesVerified, totals.BytesLost, totals.BytesCorrupted,
            totals.Workloads,
            FaultsByKind(totals.Faults),
            verdict, info.RelayBinary, info.RelayCommandLines, machine, monitor.Events,
            [.. charts.Select(Path.GetFileName).OfType<string>()]);

        var jsonPath = Path.Combine(directory, JsonFile);
        File.WriteAllText(jsonPath, JsonSerializer.Serialize(document, s_json) + "\n");
        var markdownPath = Path.Combine(directory, MarkdownFile);
        File.WriteAllText(markdownPath, Markdown(document, totals, monitor));
        return [markdownPath, jsonPath, .. charts];
    }

    /// <summary>report.json's faults object; two tallies of one kind (which the harness should not send) are added up, not thrown.</summary>
    private static Dictionary<string, FaultOutcome> FaultsByKind(IReadOnlyList<FaultTally> faults)
    {
        var byKind = new Dictionary<string, FaultOutcome>(StringComparer.Ordinal);
        foreach (var f in faults)
        {
            byKind[f.Kind] = byKind.TryGetValue(f.Kind, out var seen)
                ? new FaultOutcome(seen.Injected + f.Injected, seen.Expected + f.Expected, seen.Unexpected + f.Unexpected, [.. seen.UnexpectedSamples, .. f.UnexpectedSamples])
                : new FaultOutcome(f.Injected, f.Expected, f.Unexpected, f.UnexpectedSamples);
        }

        return byKind;
    }

    /// <summary>The harness's reasons, plus one for each failure in the totals or the verdict that they do not cover.</summary>
    private static List<string> Reasons(SoakRunInfo info, SoakTotals totals, LeakVerdict verdict)
    {
        var reasons = new List<string>(info.FailureReasons);
        if (!info.Passed && reasons.Count == 0)
        {
            reasons.Add("the harness reported a failure without a reason");
        }

        if (!info.Passed)
        {
            return reasons;
        }

        // The harness said PASSED: anything below contradicts it and fails the report.
        if (totals.BytesLost > 0)
        {
            reasons.Add($"{totals.BytesLost} bytes lost");
        }

        if (totals.BytesCorrupted > 0)
        {
            reasons.Add($"{totals.BytesCorrupted} bytes corrupted");
        }

        foreach (var fault in totals.Faults.Where(f => f.Unexpected > 0))
        {
            reasons.Add($"{fault.Kind}: {fault.Unexpected} unexpected outcomes");
        }

        foreach (var check in verdict.Checks.Where(c => !c.Passed))
        {
            reasons.Add($"leak check failed: {check.Relay} {check.Measure}: {check.Explanation}");
        }

        return reasons;
    }

    private static string Markdown(SoakReportDocument doc, SoakTotals totals, SoakMonitor monitor)
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine(inv, $"# Relay soak report: {(doc.Passed ? "PASSED" : "FAILED")}");
        md.AppendLine();
        if (doc.Passed)
        {
            md.AppendLine("No lost or corrupted bytes, every fault had its expected outcome, and no leak was found.");
        }
        else
        {
            md.AppendLine("Reasons:");
            md.AppendLine();
            foreach (var reason in doc.FailureReasons)
            {
                md.AppendLine(inv, $"- {Cell(reason)}");
            }
        }

        md.AppendLine();
        md.AppendLine(inv, $"Started {doc.Started:u}, ran {Span(totals.Duration)} of {Span(TimeSpan.FromSeconds(doc.RequestedSeconds))} requested, seed {doc.Seed}.");
        md.AppendLine();
        md.AppendLine("## Totals");
        md.AppendLine();
        md.AppendLine("| sessions | bytes sent | bytes verified | bytes lost | bytes corrupted |");
        md.AppendLine("|---:|---:|---:|---:|---:|");
        md.AppendLine(inv, $"| {doc.Sessions:N0} | {doc.BytesSent:N0} | {doc.BytesVerified:N0} | {doc.Lost:N0} | {doc.Corrupted:N0} |");
        md.AppendLine();
        md.AppendLine("## Workloads");
        md.AppendLine();
        md.AppendLine("| workload | sessions | completed | failed | bytes sent | bytes verified | failure samples |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (var w in doc.Workloads)
        {
            md.AppendLine(inv, $"| {Cell(w.Name)} | {w.Sessions:N0} | {w.Completed:N0} | {w.Failed:N0} | {w.BytesSent:N0} | {w.BytesVerified:N0} | {Samples(w.FailureSamples)} |");
        }

        md.AppendLine();
        md.AppendLine("## Faults");
        md.AppendLine();
        md.AppendLine("| fault | injected | expected outcome | unexpected outcome | unexpected samples |");
        md.AppendLine("|---|---:|---:|---:|---|");
        foreach (var f in totals.Faults)
        {
            md.AppendLine(inv, $"| {Cell(f.Kind)} | {f.Injected:N0} | {f.Expected:N0} | {f.Unexpected:N0} | {Samples(f.UnexpectedSamples)} |");
        }

        md.AppendLine();
        md.AppendLine(inv, $"## Leak checks: {(doc.LeakVerdict.Passed ? "passed" : "FAILED")}");
        md.AppendLine();
        md.AppendLine("Baseline: the sample taken after warm-up; final: the last sample after the relays settled (soak/README.md states the bounds).");
        md.AppendLine();
        md.AppendLine("| relay | measure | baseline | final | bound | result | explanation |");
        md.AppendLine("|---|---|---:|---:|---:|---|---|");
        foreach (var c in doc.LeakVerdict.Checks)
        {
            md.AppendLine(inv, $"| {Cell(c.Relay)} | {c.Measure} | {c.Baseline:0.##} | {c.Final:0.##} | {c.Bound:0.##} | {(c.Passed ? "pass" : "**FAIL**")} | {Cell(c.Explanation)} |");
        }

        if (doc.MonitorEvents.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("Monitor events:");
            md.AppendLine();
            foreach (var e in doc.MonitorEvents)
            {
                md.AppendLine(inv, $"- {Cell(e)}");
            }
        }

        md.AppendLine();
        md.AppendLine("## Relay command lines");
        md.AppendLine();
        md.AppendLine(inv, $"Binary: `{doc.RelayBinary}`");
        md.AppendLine();
        foreach (var line in doc.RelayCommandLines)
        {
            md.AppendLine(inv, $"    {line}");
        }

        md.AppendLine();
        md.AppendLine("## Machine");
        md.AppendLine();
        md.AppendLine(inv, $"- {Cell(doc.Machine.Description)}");
        md.AppendLine(inv, $"- cores: {doc.Machine.Cores}, kernel {doc.Machine.Kernel}");
        md.AppendLine(inv, $"- load average (1/5/15 min) at start: {Load(doc.Machine.LoadAverageAtStart)}, at end: {Load(doc.Machine.LoadAverageAtEnd)}");
        md.AppendLine(inv, $"- samples: {monitor.RelaySamples.Count} relay samples, {monitor.Throughput.Count} throughput samples");
        md.AppendLine();
        md.AppendLine("## Timelines");
        md.AppendLine();
        foreach (var chart in doc.Charts)
        {
            md.AppendLine(inv, $"![{Path.GetFileNameWithoutExtension(chart)}]({chart})");
            md.AppendLine();
        }

        return md.ToString();
    }

    private static string Span(TimeSpan span) =>
        $"{(int)span.TotalHours}:{span.Minutes:00}:{span.Seconds:00}";

    private static string Load(IReadOnlyList<double> load) =>
        load.Count == 0 ? "unknown" : string.Join(" / ", load.Select(value => value.ToString("F2", CultureInfo.InvariantCulture)));

    private static string Samples(IReadOnlyList<string> samples) =>
        samples.Count == 0 ? "" : string.Join("<br>", samples.Take(5).Select(Cell));

    /// <summary>Text made safe for one markdown table cell: no pipes, no line breaks, at most 300 characters.</summary>
    private static string Cell(string text)
    {
        var flat = text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
        return flat.Length <= 300 ? flat : flat[..300] + "…";
    }
}
