using Relay.Soak.Monitoring;

namespace Relay.Soak.Reporting;

/// <summary>The shape of report.json (camelCase): the verdict, the totals, workloads, faults by kind, the leak verdict.</summary>
public sealed record SoakReportDocument(
    bool Passed,
    IReadOnlyList<string> FailureReasons,
    DateTimeOffset Started,
    double DurationSeconds,
    double RequestedSeconds,
    int Seed,
    long Sessions,
    long BytesSent,
    long BytesVerified,
    long Lost,
    long Corrupted,
    IReadOnlyList<WorkloadTally> Workloads,
    IReadOnlyDictionary<string, FaultOutcome> Faults,
    LeakVerdict LeakVerdict,
    string RelayBinary,
    IReadOnlyList<string> RelayCommandLines,
    MachineReport Machine,
    IReadOnlyList<string> MonitorEvents,
    IReadOnlyList<string> Charts);
