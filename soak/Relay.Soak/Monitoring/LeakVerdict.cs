namespace Relay.Soak.Monitoring;

/// <summary>Every leak check of a run; passed when all of them passed.</summary>
public sealed record LeakVerdict(bool Passed, IReadOnlyList<LeakCheck> Checks);
