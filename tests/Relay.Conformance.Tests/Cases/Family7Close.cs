using System.Net.Sockets;
using Relay.Core.Framing;

namespace Relay.Conformance.Tests;

/// <summary>
/// Autobahn family 7: the close handshake (RFC 6455 §5.5.1, §7): a valid Close is echoed with its code after the
/// bytes before it reached the byte side; a bad Close body is a 1002 (or 1007 for a reason that is not UTF-8); data
/// after a Close is ignored; the relay closes the TCP connection even when the peer keeps it open.
/// </summary>
public abstract class Family7CloseCases(RelayFixture relay) : ConformanceCases(relay)
{
    [Fact]
    public async Task Family7_Close_Case7_1_Close1000WithReason_CodeEchoed()
    {
        await using var session = await OpenAsync();
        await session.SendAsync(session.CloseFrame(CloseStatus.NormalClosure, "goodbye"u8));
        await ExpectEchoAsync(session, CloseStatus.NormalClosure, []);
    }

    /// <summary>A Close without a body means "no status" (1005), which must not go on the wire: the echo is empty too.</summary>
    [Fact]
    public async Task Family7_Close_Case7_2_CloseWithoutPayload_EmptyCloseEchoed()
    {
        await using var session = await OpenAsync();
        await session.SendAsync(session.Frame(Opcode.Close, []));
        await session.ExpectByteSideEndAsync([]);
        session.ByteSide.Shutdown(SocketShutdown.Send);
        var frame = await session.ReadFrameAsync();
        Assert.Equal(Opcode.Close, frame.Opcode);
        Assert.Empty(frame.Payload);
        await session.ExpectEofAsync();
    }

    [Fact]
    public Task Family7_Close_Case7_3_CloseWithOneBytePayload_Closes1002() =>
        ExpectRejectedAsync(s => s.Frame(Opcode.Close, [0x03]), CloseStatus.ProtocolError);

    [Theory]
    [InlineData(0)]
    [InlineData(999)]
    [InlineData(1004)]
    [InlineData(1005)]
    [InlineData(1006)]
    [InlineData(1015)]
    [InlineData(1016)]
    [InlineData(1100)]
    [InlineData(2000)]
    [InlineData(2999)]
    [InlineData(5000)]
    [InlineData(65535)]
    public Task Family7_Close_Case7_4_InvalidCloseCode_Closes1002(int code) =>
        ExpectRejectedAsync(s => s.CloseFrame((ushort)code), CloseStatus.ProtocolError);

    [Theory]
    [InlineData(1000)]
    [InlineData(1001)]
    [InlineData(1002)]
    [InlineData(1003)]
    [InlineData(1007)]
    [InlineData(1008)]
    [InlineData(1009)]
    [InlineData(1010)]
    [InlineData(1011)]
    [InlineData(3000)]
    [InlineData(3999)]
    [InlineData(4000)]
    [InlineData(4999)]
    public async Task Family7_Close_Case7_5_ValidCloseCode_Echoed(int code)
    {
        await using var session = await OpenAsync();
        await session.SendAsync(session.Frame(Opcode.Binary, Before), session.CloseFrame((ushort)code, "reason"u8));
        await ExpectEchoAsync(session, (ushort)code, Before);
    }

    [Theory]
    [InlineData("FF")]
    [InlineData("C0AF")]
    [InlineData("EDA080")]
    [InlineData("61F09D")]       // cut in the middle of a code point
    public Task Family7_Close_Case7_6_CloseReasonInvalidUtf8_Closes1007(string hex) =>
        ExpectRejectedAsync(s => s.CloseFrame(CloseStatus.NormalClosure, Convert.FromHexString(hex)), CloseStatus.InvalidPayloadData);

    /// <summary>The largest Close body: 2 bytes of code and a 123-byte reason.</summary>
    [Fact]
    public async Task Family7_Close_Case7_7_CloseWith123ByteReason_CodeEchoed()
    {
        await using var session = await OpenAsync();
        await session.SendAsync(session.CloseFrame(4321, Payloads.Text(123)));
        await ExpectEchoAsync(session, 4321, []);
    }

    /// <summary>Everything before the Close reaches the byte side; a message and a ping after it are ignored.</summary>
    [Fact]
    public async Task Family7_Close_Case7_8_DataAfterClose_NotRelayed()
    {
        await using var session = await OpenAsync();
        await session.SendAsync(
            session.Frame(Opcode.Binary, Before),
            session.CloseFrame(CloseStatus.NormalClosure),
            session.Frame(Opcode.Binary, After),
            session.Frame(Opcode.Ping, "after the close"u8));
        await ExpectEchoAsync(session, CloseStatus.NormalClosure, Before);
    }

    /// <summary>
    /// The peer closes and then keeps its TCP connection open without reading or closing it: the relay answers the
    /// Close and ends the TCP connection itself, so a peer cannot hold a session open past its close.
    /// </summary>
    [Fact]
    public async Task Family7_Close_Case7_9_CloseThenPeerKeepsTcpOpen_RelayEndsConnection()
    {
        await using var session = await OpenAsync();
        await session.SendAsync(session.CloseFrame(CloseStatus.GoingAway));
        await ExpectEchoAsync(session, CloseStatus.GoingAway, []);
    }

    /// <summary>The byte side ends first: the relay sends Close 1000, and the peer's answer ends the session.</summary>
    [Fact]
    public async Task Family7_Close_Case7_10_ByteSideEndsFirst_RelaySendsClose1000()
    {
        await using var session = await OpenAsync();
        var last = "the byte side's last words"u8.ToArray();
        await session.ByteSide.SendAsync(last, SocketFlags.None, session.Timeout);
        session.ByteSide.Shutdown(SocketShutdown.Send);
        var data = await session.ReadFrameAsync();
        Assert.Equal(Opcode.Binary, data.Opcode);
        Assert.Equal(last, data.Payload);
        var close = await session.ReadFrameAsync();
        Assert.Equal(Opcode.Close, close.Opcode);
        Assert.Equal(CloseStatus.NormalClosure, close.CloseCode);
        await session.SendAsync(session.CloseFrame(CloseStatus.NormalClosure));
        await session.ExpectEofAsync();
        await session.ExpectByteSideEndAsync([]);
    }

    /// <summary>A Close in one-byte writes is still one Close.</summary>
    [Fact]
    public async Task Family7_Close_Case7_11_CloseInOneByteWrites_CodeEchoed()
    {
        await using var session = await OpenAsync();
        await session.SendChoppedAsync(session.CloseFrame(3001, "slowly"u8), maxWrite: 1);
        await ExpectEchoAsync(session, 3001, []);
    }

    /// <summary>The byte side fails (a TCP reset): the relay closes the WebSocket with 1011 and ends the connection.</summary>
    [Fact]
    public async Task Family7_Close_Case7_12_ByteSideReset_Closes1011()
    {
        await using var session = await OpenAsync();
        await session.SendAsync(session.Frame(Opcode.Binary, Before));
        Assert.Equal(Before, await session.ReadByteSideAsync(Before.Length));
        session.ByteSide.LingerState = new LingerOption(true, 0);
        session.ByteSide.Close(); // with linger 0: a reset, not a FIN
        await session.ExpectCloseAsync(CloseStatus.InternalError);
    }

    /// <summary>
    /// The byte side gets <paramref name="relayed"/> and EOF; once it ends too, the relay echoes <paramref name="code"/>
    /// and closes the connection while the peer still holds its end open.
    /// </summary>
    private static async Task ExpectEchoAsync(ConformanceSession session, ushort code, byte[] relayed)
    {
        await session.ExpectByteSideEndAsync(relayed);
        session.ByteSide.Shutdown(SocketShutdown.Send);
        await session.ExpectCloseAsync(code);
    }
}

public sealed class Family7_Close_ServerRole(ServerRoleFixture relay) : Family7CloseCases(relay), IClassFixture<ServerRoleFixture>;

public sealed class Family7_Close_ClientRole(ClientRoleFixture relay) : Family7CloseCases(relay), IClassFixture<ClientRoleFixture>;
