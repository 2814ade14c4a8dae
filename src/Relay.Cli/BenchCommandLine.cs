using System.CommandLine;
using System.Globalization;
using System.Net;
using Relay.Core.Hosting;
using Relay.Load;

namespace Relay.Cli;

/// <summary>
/// <c>relay bench URL [options]</c> as a pure function from the arguments after "bench" to a
/// <see cref="ParseOutcome"/>: the load generator of Relay.Load against ws://, wss:// or tcp:// (raw TCP baselines).
/// </summary>
internal static class BenchCommandLine
{
    private const string Description = """
        Load generator: measures a relay (or a plain TCP baseline with tcp://HOST:PORT).
          upload    send --bytes in --size messages, close, wait for the far side's close (MB/s)
          download  read --bytes from a target that sends (MB/s)
          rtt       --count sequential round trips of --size bytes (default 64) through an echo (p50/p99/p99.9)
          churn     --connections workers for --duration: connect, 32 B echo, close (connections/s)
          idle      open --connections sessions, echo-check, hold --duration, check again (live sessions)
        Progress goes to stderr about once a second, the summary to stdout, --json FILE gets the full result.
        """;

    private static readonly Argument<string> s_url = new("URL") { Description = "ws://…, wss://… or tcp://HOST:PORT" };
    private static readonly Option<string?> s_workload = new("--workload", "-w") { Description = "upload | download | rtt | churn | idle [default: upload]", HelpName = "NAME" };
    private static readonly Option<string?> s_bytes = new("--bytes") { Description = "Upload/download volume; K, M, G suffixes (KiB…) [default: 1G]", HelpName = "BYTES" };
    private static readonly Option<string?> s_size = new("--size") { Description = "Message size [default: 64K, rtt: 64]", HelpName = "BYTES" };
    private static readonly Option<string?> s_count = new("--count") { Description = "Measured round trips [default: 20000]", HelpName = "N" };
    private static readonly Option<string?> s_warmup = new("--warmup") { Description = "Unmeasured round trips first [default: 1000]", HelpName = "N" };
    private static readonly Option<string?> s_connections = new("--connections", "-c") { Description = "Churn workers or idle sessions [default: 32]", HelpName = "N" };
    private static readonly Option<string?> s_duration = new("--duration", "-d") { Description = "Churn run time or idle hold in seconds [default: 10]", HelpName = "SECONDS" };
    private static readonly Option<string?> s_sources = new("--source-addresses") { Description = "Local addresses to connect from, round-robin", HelpName = "IP,IP,…" };
    private static readonly Option<string?> s_json = new("--json") { Description = "Write the result as JSON to this file", HelpName = "FILE" };
    private static readonly Option<string[]> s_header = new("--header", "-H") { Description = "Extra request header, repeatable", HelpName = "\"Name: value\"", Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = false };
    private static readonly Option<bool> s_insecure = new("--insecure", "-k") { Description = "Accept any TLS certificate" };
    private static readonly Option<bool> s_quiet = new("-q") { Description = "No progress line" };

    private static readonly RootCommand s_root = CreateRoot();

    private static RootCommand CreateRoot()
    {
        var bench = new Command("bench", Description);
        foreach (Option option in new Option[] { s_workload, s_bytes, s_size, s_count, s_warmup, s_connections, s_duration, s_sources, s_json, s_header, s_insecure, s_quiet })
        {
            bench.Options.Add(option);
        }

        bench.Arguments.Add(s_url);
        var root = new RootCommand("relay");
        root.Subcommands.Add(bench);
        return root;
    }

    public static ParseOutcome Parse(string[] args)
    {
        var result = s_root.Parse(["bench", .. args]);
        if (result.Errors.Count == 0 && result.Action is not null && result.CommandResult.Command.Action is null)
        {
            // --help: print what it prints.
            var output = new StringWriter(CultureInfo.InvariantCulture);
            result.Invoke(new System.CommandLine.InvocationConfiguration { Output = output, Error = output });
            return new ParseOutcome.Print(output.ToString());
        }

        if (result.Errors.Count > 0)
        {
            return CommandLine.Usage($"bench: {result.Errors[0].Message}");
        }

        var text = result.GetValue(s_url)!;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("ws" or "wss" or "tcp") || string.IsNullOrEmpty(url.Host)
            || (url.Scheme == "tcp" && url.IsDefaultPort))
        {
            return CommandLine.Usage($"bench: '{text}' is not a ws://, wss:// or tcp://HOST:PORT URL");
        }

        var workloadText = result.GetValue(s_workload) ?? "upload";
        if (!Enum.TryParse<Workload>(workloadText, ignoreCase: true, out var workload) || !Enum.IsDefined(workload) || char.IsDigit(workloadText[0]))
        {
            return CommandLine.Usage($"bench: --workload takes upload, download, rtt, churn or idle, not '{workloadText}'");
        }

        var defaults = new LoadOptions { Url = url };
        if (!TrySize(result.GetValue(s_bytes), "--bytes", defaults.Bytes, 0, long.MaxValue, out var bytes, out var error)
            || !TrySize(result.GetValue(s_size), "--size", workload == Workload.Rtt ? 64 : defaults.MessageSize, 1, 64 * 1024 * 1024, out var size, out error)
            || !TrySize(result.GetValue(s_count), "--count", defaults.Count, 1, int.MaxValue, out var count, out error)
            || !TrySize(result.GetValue(s_warmup), "--warmup", defaults.Warmup, 0, int.MaxValue, out var warmup, out error)
            || !TrySize(result.GetValue(s_connections), "--connections", defaults.Connections, 1, 1_000_000, out var connections, out error)
            || !CommandLine.TrySeconds(result.GetValue(s_duration), "--duration", defaults.Duration.TotalSeconds, out var duration, out error)
            || !TryAddresses(result.GetValue(s_sources), out var sources, out error)
            || !CommandLine.TryHeaders(result.GetValue(s_header) ?? [], out var headers, out error))
        {
            return CommandLine.Usage($"bench: {error}");
        }

        var load = defaults with
        {
            Workload = workload,
            Bytes = bytes,
            MessageSize = (int)size,
            Count = (int)count,
            Warmup = (int)warmup,
            Connections = (int)connections,
            Duration = duration,
            SourceAddresses = sources,
            Client = new ClientOptions { Headers = headers, Insecure = result.GetValue(s_insecure) },
        };
        return new ParseOutcome.Bench(new BenchOptions(load, result.GetValue(s_json), result.GetValue(s_quiet)));
    }

    /// <summary>A whole number with an optional binary suffix: 64K = 65536, 1G = 2^30.</summary>
    private static bool TrySize(string? value, string name, long fallback, long min, long max, out long number, out string? error)
    {
        error = null;
        number = fallback;
        if (value is null)
        {
            return true;
        }

        var shift = value.Length == 0 ? 0 : char.ToUpperInvariant(value[^1]) switch { 'K' => 10, 'M' => 20, 'G' => 30, 'T' => 40, _ => 0 };
        var digits = shift == 0 ? value : value[..^1];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out number) || number > (max >> shift) || (number <<= shift) < min)
        {
            error = $"{name} takes a whole number from {min} to {max} (K, M, G suffixes allowed), not '{value}'";
            return false;
        }

        return true;
    }

    private static bool TryAddresses(string? value, out IReadOnlyList<IPAddress> addresses, out string? error)
    {
        error = null;
        var list = new List<IPAddress>();
        addresses = list;
        foreach (var part in (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IPAddress.TryParse(part, out var address))
            {
                error = $"--source-addresses takes IP addresses separated by commas, not '{part}'";
                return false;
            }

            list.Add(address);
        }

        return true;
    }
}
