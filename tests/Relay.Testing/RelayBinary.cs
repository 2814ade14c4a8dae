using System.Diagnostics;
using System.Text;

namespace Relay.Testing;

/// <summary>
/// Finds and runs the published Native AOT <c>relay</c> binary: $RELAY_BIN if set, else artifacts/relay/relay under
/// the repository root (what <c>./build.sh</c> publishes). CLI and interop tests run the binary a user runs.
/// </summary>
public static class RelayBinary
{
    public static string Path
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable("RELAY_BIN");
            if (!string.IsNullOrEmpty(fromEnvironment))
            {
                return fromEnvironment;
            }

            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, "Relay.sln")))
            {
                directory = directory.Parent;
            }

            var path = directory is null ? "relay" : System.IO.Path.Combine(directory.FullName, "artifacts", "relay", "relay");
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"The relay binary is not at {path}: run ./build.sh (dotnet publish src/Relay.Cli -c Release -r linux-x64 -o artifacts/relay) first, or set RELAY_BIN.");
            }

            return path;
        }
    }

    private static readonly Dictionary<string, string?> s_noChanges = [];

    /// <summary>Starts relay with <paramref name="arguments"/>, stdin/stdout/stderr redirected.</summary>
    public static Process Start(params string[] arguments) =>
        Process.Start(RelayCommand.CreateStartInfo(s_noChanges, arguments)) ?? throw new InvalidOperationException("relay did not start");

    /// <summary>Runs relay to completion with the given stdin; returns exit code, stdout bytes and stderr text.</summary>
    public static Task<(int ExitCode, byte[] Stdout, string Stderr)> RunAsync(byte[] stdin, CancellationToken cancellationToken, params string[] arguments) =>
        RelayCommand.RunAsync(stdin, s_noChanges, cancellationToken, arguments);

    /// <summary>Starts a long-running relay (a forwarder) and waits until its stderr says it listens.</summary>
    public static async Task<RelayProcess> StartListeningAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var process = Start(arguments);
        var relay = new RelayProcess(process);
        await relay.WaitForOutputAsync("listening on", cancellationToken);
        return relay;
    }
}

/// <summary>A relay process under test: its stderr is collected, and disposal kills it and waits.</summary>
public sealed class RelayProcess : IAsyncDisposable
{
    private readonly StringBuilder _stderr = new();
    private readonly object _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RelayProcess(Process process)
    {
        Process = process;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (_gate)
            {
                _stderr.AppendLine(e.Data);
                _changed.TrySetResult();
                _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        };
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public string Stderr
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Waits until stderr contains <paramref name="text"/>.</summary>
    public async Task WaitForOutputAsync(string text, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_stderr.ToString().Contains(text, StringComparison.Ordinal))
                {
                    return;
                }

                changed = _changed.Task;
            }

            if (Process.HasExited)
            {
                throw new InvalidOperationException($"relay exited with {Process.ExitCode} before printing '{text}': {Stderr}");
            }

            await changed.WaitAsync(TimeSpan.FromMilliseconds(200), cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
        }

        await Process.WaitForExitAsync();
        Process.Dispose();
    }
}
