using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Relay.Soak.Relays;

/// <summary>
/// One relay under test as a real process: its command line, the tail of its stderr (kept for failure messages), and
/// a SIGTERM stop that reports the exit code.
/// </summary>
public sealed class RelayProcess : IAsyncDisposable
{
    private const int TailLines = 40;
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly Lock _tailLock = new();
    private readonly StreamWriter _log;

    private RelayProcess(string name, Process process, string commandLine, int port, Uri? metricsBase, string logPath)
    {
        Name = name;
        LogPath = logPath;
        _log = new StreamWriter(logPath) { AutoFlush = true };
        _process = process;
        CommandLine = commandLine;
        Port = port;
        MetricsBase = metricsBase;
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
    }

    public string Name { get; }

    public string CommandLine { get; }

    /// <summary>The relay's whole stderr and stdout, as DIR/NAME.log.</summary>
    public string LogPath { get; }

    public int Port { get; }

    public int Pid => _process.Id;

    public Uri? MetricsBase { get; }

    /// <summary>The WebSocket URL of the default route.</summary>
    public Uri Url(string path = "/") => new($"ws://127.0.0.1:{Port}{path}");

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public static RelayProcess Start(string name, string binary, IReadOnlyList<string> arguments, int port, Uri? metricsBase, string outDirectory)
    {
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"{name}: {binary} did not start");
        return new RelayProcess(name, process, binary + " " + string.Join(' ', arguments), port, metricsBase, Path.Combine(outDirectory, name + ".log"));
    }

    /// <summary>The last lines of the relay's stderr and stdout, for a failure message.</summary>
    public string Tail(int lines = 10)
    {
        lock (_tailLock)
        {
            return string.Join(" | ", _tail.Skip(Math.Max(0, _tail.Count - lines)));
        }
    }

    /// <summary>Waits until the listener accepts a TCP connection and, with a metrics endpoint, /readyz answers 200.</summary>
    public async Task WaitReadyAsync(TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before it was ready: {Tail()}");
            }

            try
            {
                using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
                {
                    await socket.ConnectAsync("127.0.0.1", Port, timeout.Token);
                }

                if (MetricsBase is null)
                {
                    return;
                }

                using var response = await http.GetAsync(new Uri(MetricsBase, "readyz"), timeout.Token);
                if ((int)response.StatusCode == 200)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or HttpRequestException or TaskCanceledException && !timeout.IsCancellationRequested)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{Name} was not ready within {bound.TotalSeconds:0} s: {Tail()}");
            }

            await Task.Delay(50, timeout.Token); // polling a process we do not control: there is no event to await
        }
    }

    /// <summary>Completes when the process exits (for whatever reason).</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>Sends SIGTERM and waits for the exit; returns the exit code, or null when it did not exit in time.</summary>
    public async Task<int?> TerminateAsync(TimeSpan bound)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill!.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.WaitForExit(); // drains the output handlers before the log closes
        _process.Dispose();
        lock (_tailLock)
        {
            _log.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_tailLock)
        {
            try
            {
                _log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // A last line after the run closed the log.
            }

            _tail.Enqueue(line);
            while (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }
        }
    }
}
