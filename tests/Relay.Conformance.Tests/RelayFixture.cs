using System.Diagnostics;
using System.Globalization;
using Relay.Core.Framing;
using Relay.Testing;

namespace Relay.Conformance.Tests;

/// <summary>
/// One relay process for a test class (started from <see cref="RelayBinary.Path"/>), the far end of each of its
/// sessions under the test's control, and the health check every case ends with: the process is still up, a normal
/// session still relays both ways, and VmRSS is within <see cref="RssBoundBytes"/> of its value after a warm-up
/// session.
/// </summary>
public abstract class RelayFixture : IAsyncLifetime
{
    /// <summary>The incoming message limit relay runs with (--max-message-size): the 16 MiB framing cases sit exactly on it.</summary>
    public const long MaxMessageSize = 16 * 1024 * 1024;

    /// <summary>
    /// How far VmRSS may grow over the warm-up value across all the cases of a class. Relay streams every payload
    /// through pooled 64 KiB buffers, so 16 MiB messages and hostile 2^63-byte length fields must leave it flat; the
    /// bound leaves room for the GC and the pool's per-thread caches, far below the size of any message sent.
    /// </summary>
    public const long RssBoundBytes = 12 * 1024 * 1024;

    private RelayProcess? _relay;

    /// <summary>VmRSS of the relay process after the warm-up session, in bytes.</summary>
    public long BaselineRss { get; private set; }

    /// <summary>Whether the test's WebSocket peer is the client (relay in the server role), so it masks what it sends.</summary>
    public abstract bool PeerIsClient { get; }

    public RelayProcess Relay => _relay ?? throw new InvalidOperationException("the relay has not started");

    /// <summary>
    /// Common relay options: binary, -E as the in-sandbox forwarder runs, no keepalive pings to race the cases, and -v
    /// so that a failed health check can show how relay ended every session.
    /// </summary>
    protected static string[] CommonArguments =>
        ["-b", "-E", "-v", "--ping-interval", "0", "--max-message-size", MaxMessageSize.ToString(CultureInfo.InvariantCulture)];

    protected abstract Task<RelayProcess> StartRelayAsync(CancellationToken cancellationToken);

    /// <summary>Opens one session through the relay: the WebSocket peer after the upgrade, and the byte side.</summary>
    public abstract Task<ConformanceSession> OpenSessionAsync(CancellationToken cancellationToken);

    public async Task InitializeAsync()
    {
        var timeout = Loopback.Timeout(20);
        _relay = await StartRelayAsync(timeout);
        await AssertRelaysBothWaysAsync(timeout);
        BaselineRss = ReadRss();
    }

    /// <summary>The relay process is up, a normal session relays both ways and closes with 1000, and memory is where it was.</summary>
    public async Task AssertHealthyAsync()
    {
        Assert.False(Relay.Process.HasExited, $"relay exited with {(Relay.Process.HasExited ? Relay.Process.ExitCode : 0)}: {Relay.Stderr}");
        try
        {
            await AssertRelaysBothWaysAsync(Loopback.Timeout(10));
        }
        catch (Exception ex)
        {
            throw new Xunit.Sdk.XunitException($"the health check after the case failed: {ex.Message}\nrelay's log, last lines:\n{string.Join('\n', Relay.Stderr.Split('\n').TakeLast(30))}", ex);
        }

        var rss = ReadRss();
        Assert.True(
            rss - BaselineRss <= RssBoundBytes,
            $"relay's VmRSS grew from {BaselineRss / 1024} KiB to {rss / 1024} KiB (bound {RssBoundBytes / 1024} KiB)");
    }

    private async Task AssertRelaysBothWaysAsync(CancellationToken cancellationToken)
    {
        await using var session = await OpenSessionAsync(cancellationToken);
        var up = "health check: WebSocket to byte side"u8.ToArray();
        await session.SendAsync(session.Frame(Opcode.Binary, up));
        Assert.Equal(up, await session.ReadByteSideAsync(up.Length));

        var down = "health check: byte side to WebSocket"u8.ToArray();
        await session.ByteSide.SendAllAsync(down, cancellationToken);
        var frame = await session.ReadFrameAsync();
        Assert.Equal(Opcode.Binary, frame.Opcode);
        Assert.Equal(down, frame.Payload);
        await session.CloseNormallyAsync();
    }

    /// <summary>VmRSS of the relay process from /proc/PID/status, in bytes.</summary>
    public long ReadRss()
    {
        foreach (var line in File.ReadLines($"/proc/{Relay.Process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kib = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kib, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new UnreachableException("no VmRSS line in /proc/PID/status");
    }

    public virtual async Task DisposeAsync()
    {
        if (_relay is not null)
        {
            await _relay.DisposeAsync();
        }
    }
}
