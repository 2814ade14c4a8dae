using Relay.Core.Framing;

namespace Relay.Conformance.Tests;

/// <summary>
/// Autobahn family 3: RSV1-3 must be 0 when no extension was negotiated (RFC 6455 §5.2); Relay negotiates none, so
/// any of them set on any frame is a 1002, and nothing of that message reaches the byte side.
/// </summary>
public abstract class Family3ReservedBitsCases(RelayFixture relay) : ConformanceCases(relay)
{
    // 0x40 = RSV1, 0x20 = RSV2, 0x10 = RSV3, 0x70 = all three.
    [Theory]
    [InlineData(0x40)]
    [InlineData(0x20)]
    [InlineData(0x10)]
    [InlineData(0x70)]
    public Task Family3_ReservedBits_Case3_1_TextWithRsv_Closes1002(int rsv) =>
        ExpectRejectedAsync(s => s.Frame(Opcode.Text, "reserved bits"u8, rsv: (byte)rsv), CloseStatus.ProtocolError);

    [Theory]
    [InlineData(0x40)]
    [InlineData(0x20)]
    [InlineData(0x10)]
    [InlineData(0x70)]
    public Task Family3_ReservedBits_Case3_2_BinaryWithRsv_Closes1002(int rsv) =>
        ExpectRejectedAsync(s => s.Frame(Opcode.Binary, Payloads.Binary(200), rsv: (byte)rsv), CloseStatus.ProtocolError);

    [Theory]
    [InlineData(0x40)]
    [InlineData(0x20)]
    [InlineData(0x10)]
    public Task Family3_ReservedBits_Case3_3_PingWithRsv_Closes1002WithoutPong(int rsv) =>
        ExpectRejectedAsync(s => s.Frame(Opcode.Ping, "ping"u8, rsv: (byte)rsv), CloseStatus.ProtocolError);

    [Fact]
    public Task Family3_ReservedBits_Case3_4_CloseWithRsv_Closes1002() =>
        ExpectRejectedAsync(s => s.Frame(Opcode.Close, [0x03, 0xe8], rsv: 0x40), CloseStatus.ProtocolError);

    [Fact]
    public Task Family3_ReservedBits_Case3_5_PongWithRsv_Closes1002() =>
        ExpectRejectedAsync(s => s.Frame(Opcode.Pong, [], rsv: 0x20), CloseStatus.ProtocolError);

    /// <summary>RSV on a continuation: the first fragment was already streamed through, the rest never is.</summary>
    [Fact]
    public async Task Family3_ReservedBits_Case3_6_ContinuationWithRsv_Closes1002AfterFirstFragment()
    {
        await using var session = await OpenAsync();
        var first = "first fragment"u8.ToArray();
        await session.SendAsync(
            session.Frame(Opcode.Binary, first, fin: false),
            session.Frame(Opcode.Continuation, "second fragment"u8, rsv: 0x10),
            session.Frame(Opcode.Binary, After));
        await session.ExpectFailedAsync(CloseStatus.ProtocolError, first);
    }
}

public sealed class Family3_ReservedBits_ServerRole(ServerRoleFixture relay) : Family3ReservedBitsCases(relay), IClassFixture<ServerRoleFixture>;

public sealed class Family3_ReservedBits_ClientRole(ClientRoleFixture relay) : Family3ReservedBitsCases(relay), IClassFixture<ClientRoleFixture>;
