using System.Globalization;

namespace Relay.LoadBench;

/// <summary>
/// CPU time and resident memory of a process and all its descendants, read from /proc. CPU counts each live
/// process's utime+stime plus the cutime+cstime of children it has already reaped, so a forking relay (socat with
/// fork, websockify, websocketd) is charged for the per-connection processes that have come and gone.
/// </summary>
public static class ProcessTree
{
    /// <summary>USER_HZ: the unit of the times in /proc/PID/stat; 100 on every Linux this runs on.</summary>
    private const double TicksPerSecond = 100;

    /// <summary>The process and its live descendants.</summary>
    public static IReadOnlyList<int> Members(int rootPid)
    {
        var parents = new Dictionary<int, int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && TryReadStat(pid, out var fields))
            {
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
        }

        var members = new List<int> { rootPid };
        for (var i = 0; i < members.Count; i++)
        {
            foreach (var (pid, parent) in parents)
            {
                if (parent == members[i])
                {
                    members.Add(pid);
                }
            }
        }

        return members;
    }

    /// <summary>CPU seconds (user + system) used so far by the tree, reaped children included.</summary>
    public static double CpuSeconds(int rootPid)
    {
        long ticks = 0;
        foreach (var pid in Members(rootPid))
        {
            if (TryReadStat(pid, out var fields))
            {
                // Fields after the command name: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14).
                for (var i = 11; i <= 14; i++)
                {
                    ticks += long.Parse(fields[i], CultureInfo.InvariantCulture);
                }
            }
        }

        return ticks / TicksPerSecond;
    }

    /// <summary>Sum of VmRSS over the tree, in KiB (shared pages of forked children count once per process).</summary>
    public static long ResidentKibibytes(int rootPid) => SumKibibytes(rootPid, "status", "VmRSS:");

    /// <summary>
    /// Sum of Pss (proportional set size) over the tree, in KiB: a page shared by k processes counts 1/k in each, so
    /// the forked children of socat or websockify are charged for what they add, not for the libraries they share.
    /// </summary>
    public static long ProportionalKibibytes(int rootPid) => SumKibibytes(rootPid, "smaps_rollup", "Pss:");

    private static long SumKibibytes(int rootPid, string file, string field)
    {
        long total = 0;
        foreach (var pid in Members(rootPid))
        {
            try
            {
                foreach (var line in File.ReadLines($"/proc/{pid}/{file}"))
                {
                    if (line.StartsWith(field, StringComparison.Ordinal))
                    {
                        total += long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                        break;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended between the listing and the read.
            }
        }

        return total;
    }

    private static bool TryReadStat(int pid, out string[] fields)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name is in parentheses and may contain spaces: split after the last ')'.
            fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return true;
        }
        catch (IOException)
        {
            fields = [];
            return false;
        }
    }
}
