using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Relay.Testing;

/// <summary>
/// A real `relay serve` process on loopback: started with the given flags (and environment), ready once its log says
/// it listens; its log (stderr) is collected. <see cref="Terminate"/> sends a real SIGTERM.
/// </summary>
public sealed partial class ServeProcess : IAsyncDisposable
{
    private ServeProcess(RelayProcess relay, int port)
    {
        Relay = relay;
        Port = port;
    }

    public RelayProcess Relay { get; }

    /// <summary>The port of the first listener.</summary>
    public int Port { get; }

    public string Log => Relay.Stderr;

    public Process Process => Relay.Process;

    /// <summary>Starts `relay serve --listen ws://127.0.0.1:PORT ARGS…` on a free port unless ARGS has its own --listen or --config.</summary>
    public static async Task<ServeProcess> StartAsync(CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? environment = null, params string[] arguments)
    {
        var args = new List<string> { "serve" };
        var port = 0;
        if (!arguments.Contains("--listen") && !arguments.Contains("--config"))
        {
            port = Loopback.FreePort();
            args.Add("--listen");
            args.Add($"ws://127.0.0.1:{port}");
        }

        args.AddRange(arguments);
        var process = Process.Start(RelayCommand.CreateStartInfo(environment ?? new Dictionary<string, string?>(), [.. args]))
            ?? throw new InvalidOperationException("relay did not start");
        process.StandardInput.Close();
        var relay = new RelayProcess(process);
        await relay.WaitForOutputAsync("relay serve ready", cancellationToken);
        if (port == 0 && ListeningPort().Match(relay.Stderr) is { Success: true } match)
        {
            port = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }

        return new ServeProcess(relay, port);
    }

    /// <summary>Sends SIGTERM, as systemd, Kubernetes and docker stop do.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill!.WaitForExit();
    }

    /// <summary>Waits for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await Process.WaitForExitAsync(cancellationToken);
        return Process.ExitCode;
    }

    public Task WaitForLogAsync(string text, CancellationToken cancellationToken) => Relay.WaitForOutputAsync(text, cancellationToken);

    public ValueTask DisposeAsync() => Relay.DisposeAsync();

    [GeneratedRegex(@"listening on wss?://[^ ]*:(\d+),")]
    private static partial Regex ListeningPort();
}
