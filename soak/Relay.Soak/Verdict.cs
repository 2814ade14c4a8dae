using System.Globalization;
using System.Text;
using Relay.Soak.Monitoring;
using Relay.Soak.Reporting;

namespace Relay.Soak;

/// <summary>The pass/fail rules of a run, in one place: every reason it failed, and the console summary.</summary>
public static class Verdict
{
    public static IEnumerable<string> Reasons(SoakTotals totals, LeakVerdict leaks)
    {
        if (totals.BytesLost > 0)
        {
            yield return $"{totals.BytesLost} bytes lost";
        }

        if (totals.BytesCorrupted > 0)
        {
            yield return $"{totals.BytesCorrupted} bytes corrupted";
        }

        foreach (var workload in totals.Workloads.Where(w => w.Failed > 0))
        {
            yield return $"workload {workload.Name}: {workload.Failed} failed sessions, e.g. {(workload.FailureSamples.Count > 0 ? workload.FailureSamples[0] : null)}";
        }

        foreach (var fault in totals.Faults.Where(f => f.Unexpected > 0))
        {
            yield return $"fault {fault.Kind}: {fault.Unexpected} unexpected outcomes, e.g. {(fault.UnexpectedSamples.Count > 0 ? fault.UnexpectedSamples[0] : null)}";
        }

        foreach (var check in leaks.Checks.Where(c => !c.Passed))
        {
            yield return $"leak: {check.Relay} {check.Measure}: {check.Explanation}";
        }

        if (!leaks.Passed && leaks.Checks.All(c => c.Passed))
        {
            yield return "leak verdict failed";
        }
    }

    public static string Summary(SoakTotals totals)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"sessions {totals.Sessions}, sent {totals.BytesSent} B, verified {totals.BytesVerified} B, lost {totals.BytesLost} B, corrupted {totals.BytesCorrupted} B");
        text.AppendLine(c, $"{"workload",-18} {"sessions",9} {"completed",9} {"failed",6} {"sent MB",9} {"verified MB",11}");
        foreach (var w in totals.Workloads)
        {
            text.AppendLine(c, $"{w.Name,-18} {w.Sessions,9} {w.Completed,9} {w.Failed,6} {w.BytesSent / 1e6,9:0.0} {w.BytesVerified / 1e6,11:0.0}");
        }

        text.AppendLine(c, $"{"fault",-18} {"injected",9} {"expected",9} {"unexpected",10}");
        foreach (var f in totals.Faults)
        {
            text.AppendLine(c, $"{f.Kind,-18} {f.Injected,9} {f.Expected,9} {f.Unexpected,10}");
        }

        return text.ToString().TrimEnd();
    }
}
