namespace Relay.Soak.Reporting;

/// <summary>One fault kind: how often it was injected, and how many outcomes matched or missed the expected one.</summary>
public sealed record FaultTally(string Kind, long Injected, long Expected, long Unexpected, IReadOnlyList<string> UnexpectedSamples);
