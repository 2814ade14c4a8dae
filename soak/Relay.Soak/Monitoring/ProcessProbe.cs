using System.Globalization;

namespace Relay.Soak.Monitoring;

/// <summary>
/// Reads a process from outside through /proc: VmRSS and Threads from /proc/PID/status, descriptors by counting
/// /proc/PID/fd. A process that is gone (or a zombie, which has no VmRSS and no descriptors left) reads as null.
/// </summary>
public static class ProcessProbe
{
    public readonly record struct Reading(long RssKib, int Fds, int Threads);

    public static Reading? TryRead(int pid)
    {
        try
        {
            long? rssKib = null;
            int? threads = null;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("State:", StringComparison.Ordinal) && (line.Contains('Z') || line.Contains('X')))
                {
                    return null;
                }

                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    // "VmRSS:	   12345 kB"
                    rssKib = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                {
                    threads = int.Parse(line.AsSpan(8).Trim(), CultureInfo.InvariantCulture);
                }
            }

            if (rssKib is null || threads is null)
            {
                return null;
            }

            var fds = 0;
            foreach (var _ in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
            {
                fds++;
            }

            return new Reading(rssKib.Value, fds, threads.Value);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // FileNotFoundException and DirectoryNotFoundException are IOExceptions: the process exited between reads.
            return null;
        }
    }
}
