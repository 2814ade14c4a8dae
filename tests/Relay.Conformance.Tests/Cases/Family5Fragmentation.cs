using Relay.Core.Framing;

namespace Relay.Conformance.Tests;

/// <summary>
/// Autobahn family 5: fragmented messages stream through intact, control frames may sit between fragments, and
/// fragments out of order (RFC 6455 §5.4) are a 1002.
/// </summary>
public abstract class Family5FragmentationCases(RelayFixture relay) : ConformanceCases(relay)
{
    [Fact]
    public async Task Family5_Fragmentation_Case5_1_TextInTwoFragments_RelayedIntact()
    {
        await using var session = await OpenAsync();
        await session.SendAsync(session.Frame(Opcode.Text, "fragment one, "u8, fin: false), session.Frame(Opcode.Continuation, "fragment two"u8));
        await ExpectRelayedAsync(session, "fragment one, fragment two"u8.ToArray());
    }

    [Fact]
    public async Task Family5_Fragmentation_Case5_2_BinaryInThreeFragmentsWithEmptyMiddle_RelayedIntact()
    {
        await using var session = await OpenAsync();
        var one = Payloads.Binary(1000, seed: 51);
        var three = Payloads.Binary(70000, seed: 53);
        await session.SendAsync(
            session.Frame(Opcode.Binary, one, fin: false),
            session.Frame(Opcode.Continuation, [], fin: false),
            session.Frame(Opcode.Continuation, three));
        await ExpectRelayedAsync(session, Payloads.Concat(one, three));
    }

    [Fact]
    public async Task Family5_Fragmentation_Case5_3_PingBetweenFragments_PongAndMessageIntact()
    {
        await using var session = await OpenAsync();
        await session.SendAsync(
            session.Frame(Opcode.Text, "before the ping, "u8, fin: false),
            session.Frame(Opcode.Ping, "between"u8),
            session.Frame(Opcode.Continuation, "after the ping"u8));
        await session.ExpectPongAsync("between"u8.ToArray());
        await ExpectRelayedAsync(session, "before the ping, after the ping"u8.ToArray());
    }

    [Fact]
    public async Task Family5_Fragmentation_Case5_4_PongBetweenFragments_MessageIntact()
    {
        await using var session = await OpenAsync();
        await session.SendAsync(
            session.Frame(Opcode.Binary, "before the pong, "u8, fin: false),
            session.Frame(Opcode.Pong, "unsolicited"u8),
            session.Frame(Opcode.Continuation, "after the pong"u8));
        await ExpectRelayedAsync(session, "before the pong, after the pong"u8.ToArray());
    }

    [Fact]
    public async Task Family5_Fragmentation_Case5_5_HundredOneByteFragmentsInOneByteWrites_RelayedIntact()
    {
        await using var session = await OpenAsync();
        var text = Payloads.Text(100, seed: 55);
        var frames = Enumerable.Range(0, 100).Select(i => session.Frame(i == 0 ? Opcode.Text : Opcode.Continuation, text.AsSpan(i, 1), fin: i == 99));
        await session.SendChoppedAsync(Payloads.Concat([.. frames]), maxWrite: 1);
        await ExpectRelayedAsync(session, text);
    }

    [Fact]
    public async Task Family5_Fragmentation_Case5_6_PingsBetweenEveryFragment_AllPongedMessageIntact()
    {
        await using var session = await OpenAsync();
        var text = Payloads.Text(10, seed: 56);
        var frames = new List<byte[]>();
        for (var i = 0; i < 10; i++)
        {
            frames.Add(session.Frame(i == 0 ? Opcode.Text : Opcode.Continuation, text.AsSpan(i, 1), fin: i == 9));
            frames.Add(session.Frame(Opcode.Ping, [(byte)i]));
        }

        await session.SendAsync([.. frames]);
        for (var i = 0; i < 10; i++)
        {
            await session.ExpectPongAsync([(byte)i]);
        }

        await ExpectRelayedAsync(session, text);
    }

    [Fact]
    public Task Family5_Fragmentation_Case5_7_ContinuationWithoutStart_Closes1002() =>
        ExpectRejectedAsync(s => s.Frame(Opcode.Continuation, "no start"u8), CloseStatus.ProtocolError);

    [Fact]
    public Task Family5_Fragmentation_Case5_8_UnfinishedContinuationWithoutStart_Closes1002() =>
        ExpectRejectedAsync(s => s.Frame(Opcode.Continuation, "no start"u8, fin: false), CloseStatus.ProtocolError);

    [Theory]
    [InlineData(Opcode.Text)]
    [InlineData(Opcode.Binary)]
    public async Task Family5_Fragmentation_Case5_9_NewMessageInsideFragmentedMessage_Closes1002(Opcode intruder)
    {
        await using var session = await OpenAsync();
        var first = "first fragment"u8.ToArray();
        await session.SendAsync(
            session.Frame(Opcode.Text, first, fin: false),
            session.Frame(intruder, "a new message"u8),
            session.Frame(Opcode.Continuation, "last fragment"u8));
        await session.ExpectFailedAsync(CloseStatus.ProtocolError, first);
    }

    [Fact]
    public async Task Family5_Fragmentation_Case5_10_TwoFragmentedMessagesInARow_BothRelayed()
    {
        await using var session = await OpenAsync();
        await session.SendAsync(
            session.Frame(Opcode.Binary, "one-"u8, fin: false),
            session.Frame(Opcode.Continuation, "a"u8),
            session.Frame(Opcode.Text, "two-"u8, fin: false),
            session.Frame(Opcode.Continuation, "b"u8));
        await ExpectRelayedAsync(session, "one-atwo-b"u8.ToArray());
    }

    [Fact]
    public async Task Family5_Fragmentation_Case5_11_CloseBetweenFragments_FirstFragmentRelayedCloseEchoed()
    {
        await using var session = await OpenAsync();
        var first = "first fragment"u8.ToArray();
        await session.SendAsync(session.Frame(Opcode.Binary, first, fin: false), session.CloseFrame(CloseStatus.NormalClosure));
        await session.ExpectByteSideEndAsync(first);
        session.ByteSide.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        await session.ExpectCloseAsync(CloseStatus.NormalClosure);
    }

    private static async Task ExpectRelayedAsync(ConformanceSession session, byte[] expected)
    {
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(await session.ReadByteSideAsync(expected.Length)));
        await session.ExpectNothingSentAsync();
        await session.CloseNormallyAsync();
    }
}

public sealed class Family5_Fragmentation_ServerRole(ServerRoleFixture relay) : Family5FragmentationCases(relay), IClassFixture<ServerRoleFixture>;

public sealed class Family5_Fragmentation_ClientRole(ClientRoleFixture relay) : Family5FragmentationCases(relay), IClassFixture<ClientRoleFixture>;
