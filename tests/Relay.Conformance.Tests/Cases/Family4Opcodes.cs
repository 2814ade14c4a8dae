using Relay.Core.Framing;

namespace Relay.Conformance.Tests;

/// <summary>Autobahn family 4: reserved opcodes (non-control 3-7, control 0xB-0xF) are a 1002 (RFC 6455 §5.2).</summary>
public abstract class Family4OpcodesCases(RelayFixture relay) : ConformanceCases(relay)
{
    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public Task Family4_Opcodes_Case4_1_ReservedNonControlOpcode_Closes1002(int opcode) =>
        ExpectRejectedAsync(s => s.Frame(opcode, "reserved opcode"u8), CloseStatus.ProtocolError);

    [Theory]
    [InlineData(0xB)]
    [InlineData(0xC)]
    [InlineData(0xD)]
    [InlineData(0xE)]
    [InlineData(0xF)]
    public Task Family4_Opcodes_Case4_2_ReservedControlOpcode_Closes1002(int opcode) =>
        ExpectRejectedAsync(s => s.Frame(opcode, "reserved control opcode"u8), CloseStatus.ProtocolError);

    [Fact]
    public Task Family4_Opcodes_Case4_3_ReservedOpcodeEmpty_Closes1002() =>
        ExpectRejectedAsync(s => s.Frame(0x3, []), CloseStatus.ProtocolError);

    /// <summary>A reserved opcode between two fragments: the first fragment has gone through, nothing else.</summary>
    [Fact]
    public async Task Family4_Opcodes_Case4_4_ReservedOpcodeBetweenFragments_Closes1002()
    {
        await using var session = await OpenAsync();
        var first = "first fragment"u8.ToArray();
        await session.SendAsync(
            session.Frame(Opcode.Text, first, fin: false),
            session.Frame(0xB, "reserved"u8),
            session.Frame(Opcode.Continuation, "last fragment"u8));
        await session.ExpectFailedAsync(CloseStatus.ProtocolError, first);
    }
}

public sealed class Family4_Opcodes_ServerRole(ServerRoleFixture relay) : Family4OpcodesCases(relay), IClassFixture<ServerRoleFixture>;

public sealed class Family4_Opcodes_ClientRole(ClientRoleFixture relay) : Family4OpcodesCases(relay), IClassFixture<ClientRoleFixture>;
