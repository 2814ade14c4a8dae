using System.Diagnostics;

namespace Relay.Soak.Tests;

/// <summary>
/// A real child process to monitor: bash opens <c>extraFds</c> descriptors on /dev/null (3, 4, …), prints "ready" and
/// execs <c>sleep 30</c>, which inherits them. Disposing kills it.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private ChildProcess(Process process) => Process = process;

    public Process Process { get; }

    public int Pid => Process.Id;

    public static async Task<ChildProcess> StartAsync(int extraFds, CancellationToken cancellationToken)
    {
        var opens = string.Concat(Enumerable.Range(3, extraFds).Select(fd => $" {fd}</dev/null"));
        var script = (extraFds > 0 ? $"exec{opens}; " : "") + "echo ready; exec sleep 30";
        var info = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardInput = true };
        var child = new ChildProcess(Process.Start(info)!);
        var line = await child.Process.StandardOutput.ReadLineAsync(cancellationToken);
        Assert.Equal("ready", line);
        return child;
    }

    public async Task KillAsync(CancellationToken cancellationToken)
    {
        Process.Kill();
        await Process.WaitForExitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill();
            await Process.WaitForExitAsync();
        }

        Process.Dispose();
    }
}
