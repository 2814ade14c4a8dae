namespace Relay.LoadBench;

/// <summary>
/// One relay × metric over the repetitions: the median, how far repetitions disagree, and the median of the
/// per-repetition ratios to socat-64k and to direct (each ratio taken within one repetition, so slow drift of the
/// machine cancels out).
/// </summary>
public sealed record SummaryRow(string Relay, string Metric, int Repetitions, double Median, double Spread, double RatioToSocat, double RatioToDirect);
