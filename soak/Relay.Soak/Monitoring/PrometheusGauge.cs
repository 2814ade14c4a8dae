using System.Globalization;

namespace Relay.Soak.Monitoring;

/// <summary>
/// Just enough of the Prometheus text format to read one gauge: the sum of every sample of <c>name</c> over all its
/// label sets (relay_sessions_active may carry a label per route), or null when the text has no such sample.
/// </summary>
public static class PrometheusGauge
{
    public static double? Sum(string text, string name)
    {
        double? sum = null;
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line[0] == '#' || !line.StartsWith(name, StringComparison.Ordinal) || line.Length == name.Length)
            {
                continue;
            }

            var rest = line.AsSpan(name.Length);
            if (rest[0] == '{')
            {
                var close = rest.LastIndexOf('}');
                if (close < 0)
                {
                    continue;
                }

                rest = rest[(close + 1)..];
            }
            else if (rest[0] != ' ')
            {
                continue; // another metric whose name starts with this one (relay_sessions_active_total …)
            }

            rest = rest.Trim();
            var space = rest.IndexOf(' ');
            var value = space < 0 ? rest : rest[..space]; // an optional timestamp follows the value
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
            {
                sum = (sum ?? 0) + parsed;
            }
        }

        return sum;
    }
}
