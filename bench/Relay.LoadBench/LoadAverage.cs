using System.Globalization;

namespace Relay.LoadBench;

/// <summary>/proc/loadavg: the 1, 5 and 15 minute load averages.</summary>
public static class LoadAverage
{
    public static double[] Read()
    {
        var fields = File.ReadAllText("/proc/loadavg").Split(' ');
        return [.. fields.Take(3).Select(field => double.Parse(field, CultureInfo.InvariantCulture))];
    }
}
