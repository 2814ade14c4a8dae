using Relay.Core.Framing;

namespace Relay.Conformance.Tests;

/// <summary>Autobahn family 2: pings answered with the same payload, pongs ignored, bad control frames refused with 1002.</summary>
public abstract class Family2PingsCases(RelayFixture relay) : ConformanceCases(relay)
{
    [Fact]
    public Task Family2_Pings_Case2_1_PingWithoutPayload_PongWithoutPayload() => PingPongAsync([]);

    [Fact]
    public Task Family2_Pings_Case2_2_PingWithTextPayload_PongSamePayload() => PingPongAsync("Hello, relay"u8.ToArray());

    [Fact]
    public Task Family2_Pings_Case2_3_PingWithBinaryPayload_PongSamePayload() => PingPongAsync([0x00, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0x00, 0xff]);

    [Fact]
    public Task Family2_Pings_Case2_4_Ping125Bytes_PongSamePayload() => PingPongAsync(Payloads.Binary(125));

    [Fact]
    public Task Family2_Pings_Case2_5_Ping126Bytes_Closes1002() =>
        ExpectRejectedAsync(s => s.Frame(Opcode.Ping, Payloads.Binary(126)), CloseStatus.ProtocolError);

    [Fact]
    public async Task Family2_Pings_Case2_6_UnsolicitedPong_Ignored()
    {
        await using var session = await OpenAsync();
        await session.SendAsync(session.Frame(Opcode.Pong, "unsolicited"u8), session.Frame(Opcode.Binary, After));
        Assert.Equal(After, await session.ReadByteSideAsync(After.Length));
        await session.ExpectNothingSentAsync();
        await session.CloseNormallyAsync();
    }

    [Fact]
    public async Task Family2_Pings_Case2_7_UnsolicitedPongThenPing_PongForThePingOnly()
    {
        await using var session = await OpenAsync();
        await session.SendAsync(session.Frame(Opcode.Pong, "unsolicited"u8), session.Frame(Opcode.Ping, "solicited"u8));
        await session.ExpectPongAsync("solicited"u8.ToArray());
        await session.CloseNormallyAsync();
    }

    [Fact]
    public Task Family2_Pings_Case2_8_PingFragmented_Closes1002() =>
        ExpectRejectedAsync(s => Payloads.Concat(s.Frame(Opcode.Ping, "frag"u8, fin: false), s.Frame(Opcode.Continuation, "ment"u8)), CloseStatus.ProtocolError);

    [Fact]
    public async Task Family2_Pings_Case2_9_TenPingsInARow_TenPongsInOrder()
    {
        await using var session = await OpenAsync();
        var payloads = Enumerable.Range(0, 10).Select(i => Payloads.Binary(i * 12, seed: 10 + i)).ToArray();
        await session.SendAsync(payloads.Select(p => session.Frame(Opcode.Ping, p)).ToArray());
        foreach (var payload in payloads)
        {
            await session.ExpectPongAsync(payload);
        }

        await session.CloseNormallyAsync();
    }

    [Fact]
    public async Task Family2_Pings_Case2_10_PingInOneByteWrites_PongSamePayload()
    {
        await using var session = await OpenAsync();
        var payload = Payloads.Binary(125, seed: 7);
        await session.SendChoppedAsync(session.Frame(Opcode.Ping, payload), maxWrite: 1);
        await session.ExpectPongAsync(payload);
        await session.CloseNormallyAsync();
    }

    [Fact]
    public Task Family2_Pings_Case2_11_Pong126Bytes_Closes1002() =>
        ExpectRejectedAsync(s => s.Frame(Opcode.Pong, Payloads.Binary(126)), CloseStatus.ProtocolError);

    [Fact]
    public Task Family2_Pings_Case2_12_PongFragmented_Closes1002() =>
        ExpectRejectedAsync(s => Payloads.Concat(s.Frame(Opcode.Pong, "frag"u8, fin: false), s.Frame(Opcode.Continuation, "ment"u8)), CloseStatus.ProtocolError);

    [Fact]
    public Task Family2_Pings_Case2_13_Close126Bytes_Closes1002() =>
        ExpectRejectedAsync(s => s.CloseFrame(CloseStatus.NormalClosure, Payloads.Text(124)), CloseStatus.ProtocolError);

    [Fact]
    public Task Family2_Pings_Case2_14_CloseFragmented_Closes1002() =>
        ExpectRejectedAsync(s => s.Frame(Opcode.Close, [0x03, 0xe8], fin: false), CloseStatus.ProtocolError);

    private async Task PingPongAsync(byte[] payload)
    {
        await using var session = await OpenAsync();
        await session.SendAsync(session.Frame(Opcode.Ping, payload));
        await session.ExpectPongAsync(payload);
        await session.SendAsync(session.Frame(Opcode.Binary, After));
        Assert.Equal(After, await session.ReadByteSideAsync(After.Length));
        await session.CloseNormallyAsync();
    }
}

public sealed class Family2_Pings_ServerRole(ServerRoleFixture relay) : Family2PingsCases(relay), IClassFixture<ServerRoleFixture>;

public sealed class Family2_Pings_ClientRole(ClientRoleFixture relay) : Family2PingsCases(relay), IClassFixture<ClientRoleFixture>;
