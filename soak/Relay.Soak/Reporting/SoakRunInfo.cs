namespace Relay.Soak.Reporting;

/// <summary>How the run was made and its overall outcome, as the harness decided it.</summary>
public sealed record SoakRunInfo(string RelayBinary, IReadOnlyList<string> RelayCommandLines, string Machine, TimeSpan Requested, int Seed, bool Passed, IReadOnlyList<string> FailureReasons);
