namespace Relay.LoadBench;

/// <summary>Medians and spreads over repetitions.</summary>
public static class Statistics
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>(max − min) ÷ median: how far repetitions disagree; 0 for fewer than two values.</summary>
    public static double Spread(IReadOnlyCollection<double> values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length < 2)
        {
            return 0;
        }

        var median = Median(finite);
        return median == 0 ? 0 : (finite.Max() - finite.Min()) / Math.Abs(median);
    }
}
