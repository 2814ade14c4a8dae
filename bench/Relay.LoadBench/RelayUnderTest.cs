using System.Diagnostics;

namespace Relay.LoadBench;

/// <summary>
/// One relay process in front of a target: started as a direct child of the harness, ready when its port shows up
/// in /proc/net/tcp, ended by its own PID (with its per-connection children).
/// </summary>
public sealed class RelayUnderTest : IAsyncDisposable
{
    private readonly Process? _process;
    private readonly Queue<string> _tail = new();

    private RelayUnderTest(Process? process, int port)
    {
        _process = process;
        Port = port;
        if (process is not null)
        {
            process.OutputDataReceived += (_, e) => Remember(e.Data);
            process.ErrorDataReceived += (_, e) => Remember(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }
    }

    /// <summary>The port clients connect to (the target's own port for <c>direct</c>).</summary>
    public int Port { get; }

    /// <summary>The relay's PID, or null for <c>direct</c> (no relay process).</summary>
    public int? Pid => _process?.Id;

    /// <summary>Starts <paramref name="relay"/> on a free port in front of <paramref name="targetPort"/> and waits until it listens.</summary>
    public static async Task<RelayUnderTest> StartAsync(RelayDefinition relay, int targetPort, CancellationToken cancellationToken)
    {
        if (relay.IsDirect)
        {
            return new RelayUnderTest(null, targetPort);
        }

        var port = Relay.Testing.Loopback.FreePort();
        var command = relay.Command(port, targetPort);
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"{command[0]} did not start");
        var started = new RelayUnderTest(process, port);
        try
        {
            await started.WaitUntilListeningAsync(relay.Name, cancellationToken);
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }

        return started;
    }

    /// <summary>CPU seconds of the relay's process tree so far (0 for <c>direct</c>).</summary>
    public double CpuSeconds() => Pid is { } pid ? ProcessTree.CpuSeconds(pid) : 0;

    /// <summary>VmRSS of the relay's process tree in KiB (0 for <c>direct</c>).</summary>
    public long ResidentKibibytes() => Pid is { } pid ? ProcessTree.ResidentKibibytes(pid) : 0;

    /// <summary>Pss of the relay's process tree in KiB (0 for <c>direct</c>).</summary>
    public long ProportionalKibibytes() => Pid is { } pid ? ProcessTree.ProportionalKibibytes(pid) : 0;

    /// <summary>
    /// Waits (bounded) until the per-connection children of a forking relay have exited, so that their CPU time
    /// has been reaped into the parent's cutime/cstime before it is read.
    /// </summary>
    public async Task SettleAsync(CancellationToken cancellationToken)
    {
        if (Pid is not { } pid)
        {
            return;
        }

        for (var i = 0; i < 100 && ProcessTree.Members(pid).Count > 1; i++)
        {
            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>The last lines the relay printed, for error messages.</summary>
    public string Tail()
    {
        lock (_tail)
        {
            return string.Join(Environment.NewLine, _tail);
        }
    }

    private async Task WaitUntilListeningAsync(string name, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            if (ListeningPorts.IsListening(Port))
            {
                return;
            }

            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with {_process.ExitCode} before listening on {Port}: {Tail()}");
            }

            await Task.Delay(20, cancellationToken);
        }

        throw new TimeoutException($"{name} did not listen on 127.0.0.1:{Port} within 10 s: {Tail()}");
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            _tail.Enqueue(line);
            if (_tail.Count > 20)
            {
                _tail.Dequeue();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(timeout.Token);
        _process.Dispose();
    }
}
