using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Relay.Core.Hosting;
using Relay.Load;

namespace Relay.Cli;

/// <summary>Runs <c>relay bench</c>: a progress line on stderr, the summary on stdout, the JSON result to a file.</summary>
internal static class BenchCommand
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        var progress = options.Quiet ? null : new ProgressLine();
        if (options.Load.Client.Insecure && !options.Quiet)
        {
            await Console.Error.WriteLineAsync("relay: warning: -k/--insecure: TLS certificates are not checked").ConfigureAwait(false);
        }

        LoadResult result;
        try
        {
            result = await LoadRunner.RunAsync(options.Load with { Progress = progress }, stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketConnectException or IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            progress?.Clear();
            await Console.Error.WriteLineAsync($"relay: bench {options.Load.Url}: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        progress?.Clear();
        await Console.Out.WriteLineAsync(Summarize(result)).ConfigureAwait(false);
        if (options.JsonPath is not null)
        {
            try
            {
                await File.WriteAllTextAsync(options.JsonPath, JsonSerializer.Serialize(result, BenchJsonContext.Default.LoadResult)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"relay: --json {options.JsonPath}: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
        }

        return ExitCodes.Success;

        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }

    /// <summary>The human-readable result: what the workload measures first.</summary>
    internal static string Summarize(LoadResult r)
    {
        var c = CultureInfo.InvariantCulture;
        var head = string.Create(c, $"{r.Workload.ToString().ToLowerInvariant()} {r.Url}: ");
        return r.Workload switch
        {
            Workload.Upload or Workload.Download => head + string.Create(c, $"{r.Bytes:N0} bytes in {r.Elapsed.TotalSeconds:0.000} s = {r.MegabytesPerSecond:0.0} MiB/s ({r.Operations:N0} {(r.Workload == Workload.Upload ? "messages" : "reads")})"),
            Workload.Rtt => head + string.Create(c, $"{r.Operations:N0} round trips in {r.Elapsed.TotalSeconds:0.000} s ({r.OperationsPerSecond:N0}/s); µs p50 {r.P50Micros:0.0} p99 {r.P99Micros:0.0} p99.9 {r.P999Micros:0.0} max {r.MaxMicros:0.0}"),
            Workload.Churn => head + string.Create(c, $"{r.Operations:N0} connections in {r.Elapsed.TotalSeconds:0.000} s = {r.OperationsPerSecond:N0}/s, {r.Failures:N0} failed; per connection µs p50 {r.P50Micros:0.0} p99 {r.P99Micros:0.0} max {r.MaxMicros:0.0}"),
            _ => head + string.Create(c, $"{r.Operations:N0} sessions opened, {r.Live:N0} live after the hold, {r.Failures:N0} failed ({r.Elapsed.TotalSeconds:0.0} s)"),
        };
    }
}
