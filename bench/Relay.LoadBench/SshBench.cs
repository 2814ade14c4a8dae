using System.Diagnostics;
using System.Globalization;
using Relay.Testing;

namespace Relay.LoadBench;

/// <summary>
/// OpenSSH through each relay as a ProxyCommand: the time of <c>ssh … true</c> (handshake, auth, one command) and
/// an scp of a random file to /dev/null. One sshd (tests/Relay.Testing's fixture) serves the whole run.
/// </summary>
public sealed class SshBench(BenchPlan plan, string relayBinary) : IAsyncDisposable
{
    private const double Gibibyte = 1L << 30;

    private SshdFixture? _sshd;
    private string? _payload;

    public async Task<Sample> RunAsync(RelayDefinition relay, int repetition, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        try
        {
            var sshd = await StartAsync(cancellationToken);
            await using var relayProcess = await RelayUnderTest.StartAsync(relay, sshd.Port, cancellationToken);
            var proxyCommand = relay.ProxyCommand(relayBinary, relayProcess.Port);
            var connects = new List<double>();
            for (var i = 0; i < plan.SshConnects; i++)
            {
                var clock = Stopwatch.StartNew();
                var (exit, _, stderr) = await sshd.SshAsync(proxyCommand, "true", cancellationToken);
                if (exit != 0)
                {
                    throw new InvalidOperationException($"ssh through {relay.Name} exited with {exit}: {stderr.Trim()} {relayProcess.Tail()}");
                }

                connects.Add(clock.Elapsed.TotalMilliseconds);
            }

            await relayProcess.SettleAsync(cancellationToken);
            var cpuBefore = relayProcess.CpuSeconds();
            var copy = Stopwatch.StartNew();
            var (scpExit, _, scpError) = await sshd.ScpAsync(proxyCommand, _payload!, "remote:/dev/null", cancellationToken);
            var elapsed = copy.Elapsed;
            if (scpExit != 0)
            {
                throw new InvalidOperationException($"scp through {relay.Name} exited with {scpExit}: {scpError.Trim()}");
            }

            await relayProcess.SettleAsync(cancellationToken);
            var metrics = new Dictionary<string, double>
            {
                ["ssh.connect_ms"] = Statistics.Median(connects),
                ["ssh.scp_mbps"] = plan.ScpBytes / 1048576.0 / elapsed.TotalSeconds,
            };
            if (!relay.IsDirect)
            {
                metrics["ssh.scp_cpu_s_per_gib"] = (relayProcess.CpuSeconds() - cpuBefore) / (plan.ScpBytes / Gibibyte);
            }

            return new Sample(relay.Name, BenchPlan.Ssh, repetition, started, metrics, [], null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new Sample(relay.Name, BenchPlan.Ssh, repetition, started, new Dictionary<string, double>(), [], ex.Message);
        }
    }

    private async Task<SshdFixture> StartAsync(CancellationToken cancellationToken)
    {
        if (_sshd is not null)
        {
            return _sshd;
        }

        _sshd = await SshdFixture.StartAsync(cancellationToken);
        _payload = Path.Combine(_sshd.Directory, string.Create(CultureInfo.InvariantCulture, $"payload-{plan.ScpBytes}.bin"));
        var bytes = new byte[1 << 20];
        new Random(5).NextBytes(bytes);
        await using (var file = File.Create(_payload))
        {
            for (long written = 0; written < plan.ScpBytes; written += bytes.Length)
            {
                await file.WriteAsync(bytes.AsMemory(0, (int)Math.Min(bytes.Length, plan.ScpBytes - written)), cancellationToken);
            }
        }

        return _sshd;
    }

    public async ValueTask DisposeAsync()
    {
        if (_sshd is not null)
        {
            await _sshd.DisposeAsync();
        }
    }
}
