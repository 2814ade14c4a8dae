using Relay.Soak.Client;
using Relay.Soak.Relays;
using Relay.Soak.Target;

namespace Relay.Soak;

/// <summary>What every workload and fault shares: the relays, the target's registry, the byte ledger, the seed and
/// the session ids.</summary>
public sealed class SoakContext(RelayFleet relays, TargetRegistry registry, Ledger ledger, int seed)
{
    private long _nextSessionId;

    public RelayFleet Relays { get; } = relays;

    public TargetRegistry Registry { get; } = registry;

    public Ledger Ledger { get; } = ledger;

    public int Seed { get; } = seed;

    public long NextSessionId() => Interlocked.Increment(ref _nextSessionId);

    /// <summary>The pattern key of a session's stream.</summary>
    public long KeyOf(long sessionId) => SoakTarget.KeyOf(Seed, sessionId);

    /// <summary>Workload sessions alternate between the forwarder and serve.</summary>
    public RelayProcess Pick(long sessionId) => sessionId % 2 == 0 ? Relays.Forwarder : Relays.Serve;

    /// <summary>A random generator for one worker, derived from the run's seed so a run can be replayed.</summary>
    public Random RandomFor(string worker, int index) => new(HashCode.Combine(Seed, worker.GetHashCode(StringComparison.Ordinal), index));

    /// <summary>Connects through <paramref name="relay"/> and sends the preamble as the first message.</summary>
    public static async Task<SoakClient> ConnectAsync(RelayProcess relay, Preamble preamble, int receiveBufferSize, CancellationToken cancellationToken)
    {
        var client = await SoakClient.ConnectAsync(relay.Url(), receiveBufferSize, cancellationToken);
        try
        {
            await client.SendAsync(preamble.ToBytes(), cancellationToken);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>Describes a failure with the relay's name and the tail of its log.</summary>
    public static string Describe(RelayProcess relay, long sessionId, string what) =>
        $"{relay.Name} session {sessionId}: {what}" + (relay.HasExited ? $" (relay exited with {relay.ExitCode}: {relay.Tail(3)})" : string.Empty);
}
