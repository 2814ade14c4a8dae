namespace Relay.Soak.Reporting;

/// <summary>report.json's value for one fault kind (the key is the kind).</summary>
public sealed record FaultOutcome(long Injected, long Expected, long Unexpected, IReadOnlyList<string> UnexpectedSamples);
