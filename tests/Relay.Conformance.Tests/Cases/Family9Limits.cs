using Relay.Core.Framing;

namespace Relay.Conformance.Tests;

/// <summary>
/// Autobahn family 9 (limits, not speed: speed is never asserted here): a message over the configured limit is a
/// 1009, and a length field claiming 2^63-1 bytes or with its top bit set is answered from the header alone,
/// without allocating (the fixture's VmRSS check after each case would see it). The 16 MiB messages of family 1
/// are exactly at the limit and pass.
/// </summary>
public abstract class Family9LimitsCases(RelayFixture relay) : ConformanceCases(relay)
{
    [Theory]
    [InlineData(Opcode.Binary)]
    [InlineData(Opcode.Text)]
    public Task Family9_Limits_Case9_1_SingleFrameOverLimit_Closes1009(Opcode opcode) =>
        ExpectHeaderRejectedAsync(s => s.HeaderOnly(opcode, (ulong)RelayFixture.MaxMessageSize + 1), CloseStatus.MessageTooBig);

    /// <summary>Each fragment is under the limit, the message is not: the first fragment streamed, then 1009.</summary>
    [Fact]
    public async Task Family9_Limits_Case9_2_FragmentedMessageOverLimit_Closes1009()
    {
        await using var session = await OpenAsync();
        var first = Payloads.Binary(1000, seed: 91);
        await session.SendAsync(
            session.Frame(Opcode.Binary, first, fin: false),
            session.HeaderOnly(Opcode.Continuation, (ulong)(RelayFixture.MaxMessageSize - first.Length + 1)));
        await session.ExpectFailedAsync(CloseStatus.MessageTooBig, first);
    }

    [Fact]
    public Task Family9_Limits_Case9_3_LengthFieldMaxInt63_Closes1009WithoutAllocating() =>
        ExpectHeaderRejectedAsync(s => s.HeaderOnly(Opcode.Binary, long.MaxValue), CloseStatus.MessageTooBig);

    /// <summary>RFC 6455 §5.2: "the most significant bit MUST be 0" in a 64-bit length.</summary>
    [Theory]
    [InlineData(0x8000000000000000UL)]
    [InlineData(0xFFFFFFFFFFFFFFFFUL)]
    [InlineData(0x8000000000000005UL)]
    public Task Family9_Limits_Case9_4_LengthFieldTopBitSet_Closes1002(ulong length) =>
        ExpectHeaderRejectedAsync(s => s.HeaderOnly(Opcode.Binary, length), CloseStatus.ProtocolError);

    [Fact]
    public Task Family9_Limits_Case9_5_ContinuationLengthMaxInt63_Closes1009() =>
        ExpectHeaderRejectedAsync(s => Payloads.Concat(s.Frame(Opcode.Text, "a"u8, fin: false), s.HeaderOnly(Opcode.Continuation, long.MaxValue)), CloseStatus.MessageTooBig, "a"u8.ToArray());

    /// <summary>The header alone (no payload behind it, in one write after a valid message) draws the answer.</summary>
    private async Task ExpectHeaderRejectedAsync(Func<ConformanceSession, byte[]> header, ushort code, byte[]? relayedFromBadMessage = null)
    {
        await using var session = await OpenAsync();
        await session.SendAsync(session.Frame(Opcode.Binary, Before), header(session));
        await session.ExpectFailedAsync(code, Payloads.Concat(Before, relayedFromBadMessage ?? []));
    }
}

public sealed class Family9_Limits_ServerRole(ServerRoleFixture relay) : Family9LimitsCases(relay), IClassFixture<ServerRoleFixture>;

public sealed class Family9_Limits_ClientRole(ClientRoleFixture relay) : Family9LimitsCases(relay), IClassFixture<ClientRoleFixture>;
