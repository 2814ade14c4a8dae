using System.Globalization;
using Relay.Load;

namespace Relay.Cli;

/// <summary>The bench's progress: one stderr line rewritten in place (\r) at each report, about once a second.</summary>
internal sealed class ProgressLine : IProgress<LoadProgress>
{
    private readonly Lock _gate = new();
    private int _width;

    public void Report(LoadProgress value)
    {
        var seconds = Math.Max(value.Elapsed.TotalSeconds, 1e-9);
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{value.Workload.ToString().ToLowerInvariant()} {value.Elapsed.TotalSeconds:0}s: {value.Bytes / 1048576.0:N1} MiB ({value.Bytes / 1048576.0 / seconds:N1} MiB/s), {value.Operations:N0} ops ({value.Operations / seconds:N0}/s), {value.Failures:N0} failed");
        lock (_gate)
        {
            Console.Error.Write("\r" + line.PadRight(_width));
            _width = line.Length;
        }
    }

    /// <summary>Blanks the line so the summary starts clean.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            if (_width > 0)
            {
                Console.Error.Write("\r" + new string(' ', _width) + "\r");
                _width = 0;
            }
        }
    }
}
