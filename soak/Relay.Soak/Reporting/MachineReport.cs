namespace Relay.Soak.Reporting;

/// <summary>report.json's machine section: the harness's description, cores, load averages at start and end, kernel.</summary>
public sealed record MachineReport(string Description, int Cores, IReadOnlyList<double> LoadAverageAtStart, IReadOnlyList<double> LoadAverageAtEnd, string Kernel);
