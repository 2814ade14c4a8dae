using System.Globalization;

namespace Relay.Soak.Monitoring;

/// <summary>Facts about the machine for the report: load averages and kernel release, read from /proc.</summary>
public static class MachineFacts
{
    /// <summary>The 1, 5 and 15 minute load averages, or empty when /proc/loadavg cannot be read.</summary>
    public static IReadOnlyList<double> LoadAverage()
    {
        try
        {
            return [.. File.ReadAllText("/proc/loadavg").Split(' ').Take(3).Select(field => double.Parse(field, CultureInfo.InvariantCulture))];
        }
        catch (IOException)
        {
            return [];
        }
    }

    public static string Kernel()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        }
        catch (IOException)
        {
            return Environment.OSVersion.VersionString;
        }
    }
}
