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

    /// <summary>
    /// The geometric mean of the middle half of the values (a quarter dropped at each end, none when fewer than four):
    /// for ratios measured pair by pair, as robust to an outlying pair as the median and steadier than it, because it
    /// averages the middle instead of picking one value.
    /// </summary>
    public static double MidMeanRatio(IEnumerable<double> ratios)
    {
        var sorted = ratios.Where(value => double.IsFinite(value) && value > 0).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var drop = sorted.Length / 4;
        var middle = sorted.AsSpan(drop, sorted.Length - (2 * drop));
        var sum = 0.0;
        foreach (var value in middle)
        {
            sum += Math.Log(value);
        }

        return Math.Exp(sum / middle.Length);
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
