using Relay.Core.Framing;
using Relay.Testing;

namespace Relay.Conformance.Tests;

/// <summary>
/// Base of every case class. Each case family is written once against <see cref="RelayFixture"/> and run in both
/// roles by two small sealed classes (…_ServerRole, …_ClientRole), each with its own relay process. After every case
/// the fixture checks that the process is up, a normal session relays, and memory is where it was.
/// </summary>
public abstract class ConformanceCases(RelayFixture relay) : IAsyncLifetime
{
    /// <summary>A valid message sent ahead of a bad frame: it must reach the byte side, and nothing after it.</summary>
    protected static readonly byte[] Before = "before the bad frame"u8.ToArray();

    /// <summary>A valid message sent behind a bad frame: it must never reach the byte side.</summary>
    protected static readonly byte[] After = "after the bad frame"u8.ToArray();

    protected RelayFixture Relay => relay;

    protected Task<ConformanceSession> OpenAsync(double seconds = 30) => relay.OpenSessionAsync(Loopback.Timeout(seconds));

    /// <summary>
    /// Sends a valid message, <paramref name="bad"/>, and another valid message in one write; expects a Close with
    /// <paramref name="code"/> and the byte side to get the first message only.
    /// </summary>
    protected async Task ExpectRejectedAsync(byte[] bad, ushort code)
    {
        await using var session = await OpenAsync();
        await session.SendAsync(session.Frame(Opcode.Binary, Before), bad, session.Frame(Opcode.Binary, After));
        await session.ExpectFailedAsync(code, Before);
    }

    /// <summary>As <see cref="ExpectRejectedAsync(byte[], ushort)"/>, with the bad frame built for the session's role.</summary>
    protected async Task ExpectRejectedAsync(Func<ConformanceSession, byte[]> bad, ushort code)
    {
        await using var session = await OpenAsync();
        await session.SendAsync(session.Frame(Opcode.Binary, Before), bad(session), session.Frame(Opcode.Binary, After));
        await session.ExpectFailedAsync(code, Before);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>After every case: the relay is up, relays a normal session, and its VmRSS is within the bound.</summary>
    public Task DisposeAsync() => relay.AssertHealthyAsync();
}
