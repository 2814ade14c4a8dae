namespace Relay.Soak.Monitoring;

/// <summary>One leak check of one relay: the measure, its baseline and final values, the bound the final value had to meet.</summary>
public sealed record LeakCheck(string Relay, string Measure, double Baseline, double Final, double Bound, bool Passed, string Explanation);
