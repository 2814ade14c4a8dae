using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Relay.Load;

namespace Relay.LoadBench;

/// <summary>
/// The churn workload's client and echo target, in a child process of the harness that runs socket continuations
/// inline on the socket engines' threads, as <c>relay bench</c> does.
/// </summary>
/// <remarks>
/// In the harness process, where continuations hop to the thread pool, the generator and its target took 58 % of the
/// machine's CPU during churn and the relay 40 % (<c>perf record -a</c>): the generator, not the relay, set the rate.
/// Inline completions cut that hop and its thread wake-ups, but they would also change the bulk workloads, whose
/// client and target then share one event thread, so only churn moves here. One child serves the whole run, so its
/// JIT warms up the way the in-process harness does. The protocol is lines on the child's stdin and stdout:
/// <c>target</c> → <c>port N</c>; <c>churn URL WORKERS MILLISECONDS ADDRESS,…</c> → <c>result JSON</c>;
/// <c>close</c> → <c>closed</c>; anything that fails → <c>error MESSAGE</c>. EOF on stdin ends the child.
/// </remarks>
public sealed class ChurnGenerator : IAsyncDisposable
{
    public const string ChildArgument = "--churn-generator";
    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
    private static readonly JsonSerializerOptions s_json = new() { IncludeFields = true };

    private readonly SemaphoreSlim _gate = new(1, 1);
    private Process? _child;

    /// <summary>Starts an echo target in the child and returns its port; disposing it closes the target.</summary>
    public async Task<RemoteTarget> StartTargetAsync(CancellationToken cancellationToken)
    {
        var reply = await AskAsync("target", cancellationToken);
        return new RemoteTarget(this, int.Parse(Expect(reply, "port"), CultureInfo.InvariantCulture));
    }

    /// <summary>Runs the churn workload of <paramref name="options"/> in the child.</summary>
    public async Task<LoadResult> RunAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        var addresses = options.SourceAddresses.Count == 0 ? "-" : string.Join(',', options.SourceAddresses);
        var reply = await AskAsync(string.Create(CultureInfo.InvariantCulture,
            $"churn {options.Url} {options.Connections} {(long)options.Duration.TotalMilliseconds} {addresses}"), cancellationToken);
        return JsonSerializer.Deserialize<LoadResult>(Expect(reply, "result"), s_json)
            ?? throw new InvalidOperationException("the churn generator sent an empty result");
    }

    /// <summary>The child's side: serves commands from <paramref name="input"/> until EOF.</summary>
    public static async Task<int> ServeAsync(TextReader input, TextWriter output)
    {
        TcpTarget? target = null;
        async Task CloseTargetAsync()
        {
            if (target is not null)
            {
                await target.DisposeAsync();
                target = null;
            }
        }

        while (await input.ReadLineAsync() is { } line)
        {
            var words = line.Split(' ');
            try
            {
                switch (words[0])
                {
                    case "target":
                        await CloseTargetAsync();
                        target = TcpTarget.Start(TargetKind.Echo);
                        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"port {target.Port}"));
                        break;
                    case "churn":
                        var options = new LoadOptions
                        {
                            Url = new Uri(words[1]),
                            Workload = Workload.Churn,
                            Connections = int.Parse(words[2], CultureInfo.InvariantCulture),
                            Duration = TimeSpan.FromMilliseconds(long.Parse(words[3], CultureInfo.InvariantCulture)),
                            SourceAddresses = words[4] == "-" ? [] : words[4].Split(',').Select(System.Net.IPAddress.Parse).ToList(),
                        };
                        var result = await LoadRunner.RunAsync(options, CancellationToken.None);
                        await output.WriteLineAsync("result " + JsonSerializer.Serialize(result, s_json));
                        break;
                    case "close":
                        await CloseTargetAsync();
                        await output.WriteLineAsync("closed");
                        break;
                    default:
                        await output.WriteLineAsync($"error unknown command '{words[0]}'");
                        break;
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                await output.WriteLineAsync("error " + ex.Message.ReplaceLineEndings(" "));
            }

            await output.FlushAsync();
        }

        await CloseTargetAsync();
        return 0;
    }

    private async Task<string> AskAsync(string command, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var child = _child ??= StartChild();
            await child.StandardInput.WriteLineAsync(command);
            await child.StandardInput.FlushAsync(cancellationToken);
            return await child.StandardOutput.ReadLineAsync(cancellationToken)
                ?? throw new InvalidOperationException($"the churn generator exited (code {(child.WaitForExit(5_000) ? child.ExitCode : -1)})");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>What follows <paramref name="word"/> in <paramref name="reply"/>; throws on an error or another reply.</summary>
    private static string Expect(string reply, string word) =>
        reply == word ? ""
        : reply.StartsWith(word + " ", StringComparison.Ordinal) ? reply[(word.Length + 1)..]
        : throw new InvalidOperationException(reply.StartsWith("error ", StringComparison.Ordinal) ? reply[6..] : $"the churn generator said '{reply}'");

    private static Process StartChild()
    {
        // The harness itself: its apphost, or `dotnet Relay.LoadBench.dll` when started that way.
        var path = Environment.ProcessPath ?? throw new InvalidOperationException("no path to the harness's own executable");
        var info = new ProcessStartInfo(path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(path) == "dotnet")
        {
            info.ArgumentList.Add(typeof(ChurnGenerator).Assembly.Location);
        }

        info.ArgumentList.Add(ChildArgument);
        // A value the user set (0, to compare) wins, as in the relay's own CLI.
        info.Environment[InlineCompletions] = Environment.GetEnvironmentVariable(InlineCompletions) ?? "1";
        return Process.Start(info) ?? throw new InvalidOperationException("the churn generator did not start");
    }

    public async ValueTask DisposeAsync()
    {
        if (_child is { } child)
        {
            child.StandardInput.Close();
            if (!child.WaitForExit(10_000))
            {
                child.Kill();
            }

            await child.WaitForExitAsync();
            child.Dispose();
        }

        _gate.Dispose();
    }

    /// <summary>The child's echo target, closed on dispose.</summary>
    public sealed class RemoteTarget(ChurnGenerator generator, int port) : IBenchTarget
    {
        public int Port { get; } = port;

        public async ValueTask DisposeAsync() => Expect(await generator.AskAsync("close", CancellationToken.None), "closed");
    }
}
