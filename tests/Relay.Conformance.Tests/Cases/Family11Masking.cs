using System.Net.Sockets;
using Relay.Core.Framing;
using Relay.Testing;

namespace Relay.Conformance.Tests;

/// <summary>
/// Our family 11, masking (RFC 6455 §5.1, §5.3): a server must close on an unmasked client frame and a client on a
/// masked server frame, both with 1002; a client masks every frame it sends, a server none.
/// </summary>
public sealed class Family11_Masking_ServerRole(ServerRoleFixture relay) : ConformanceCases(relay), IClassFixture<ServerRoleFixture>
{
    [Theory]
    [InlineData(Opcode.Text)]
    [InlineData(Opcode.Binary)]
    [InlineData(Opcode.Ping)]
    [InlineData(Opcode.Pong)]
    [InlineData(Opcode.Close)]
    public Task Family11_Masking_Case11_1_UnmaskedClientFrame_Closes1002(Opcode opcode) =>
        ExpectRejectedAsync(s => s.Frame(opcode, opcode == Opcode.Close ? new byte[] { 0x03, 0xe8 } : "unmasked"u8.ToArray(), mask: false), CloseStatus.ProtocolError);

    [Fact]
    public async Task Family11_Masking_Case11_2_UnmaskedContinuation_Closes1002AfterFirstFragment()
    {
        await using var session = await OpenAsync();
        var first = "masked first fragment"u8.ToArray();
        await session.SendAsync(session.Frame(Opcode.Binary, first, fin: false), session.Frame(Opcode.Continuation, "unmasked"u8, mask: false));
        await session.ExpectFailedAsync(CloseStatus.ProtocolError, first);
    }

    /// <summary>The relay as server sends unmasked frames (the peer's reader fails on a masked one) of what the target wrote.</summary>
    [Fact]
    public Task Family11_Masking_Case11_3_RelayServerFrames_Unmasked() => RelayFramesAsync(Relay, expectMasked: false);

    internal static async Task RelayFramesAsync(RelayFixture relay, bool expectMasked)
    {
        await using var session = await relay.OpenSessionAsync(Loopback.Timeout(30));
        var data = Payloads.Binary(5000, seed: 111);
        await session.ByteSide.SendAllAsync(data, session.Timeout);
        var received = new MemoryStream();
        while (received.Length < data.Length)
        {
            var frame = await session.ReadFrameAsync();
            Assert.Equal(Opcode.Binary, frame.Opcode);
            Assert.Equal(expectMasked, frame.Masked);
            received.Write(frame.Payload);
        }

        Assert.Equal(data, received.ToArray());
        await session.SendAsync(session.Frame(Opcode.Ping, "ping"u8));
        var pong = await session.ReadFrameAsync();
        Assert.Equal(Opcode.Pong, pong.Opcode);
        Assert.Equal(expectMasked, pong.Masked);
        await session.SendAsync(session.CloseFrame(CloseStatus.NormalClosure));
        await session.ExpectByteSideEndAsync([]);
        session.ByteSide.Shutdown(SocketShutdown.Send);
        var close = await session.ReadFrameAsync();
        Assert.Equal(Opcode.Close, close.Opcode);
        Assert.Equal(expectMasked, close.Masked);
    }
}

public sealed class Family11_Masking_ClientRole(ClientRoleFixture relay) : ConformanceCases(relay), IClassFixture<ClientRoleFixture>
{
    [Theory]
    [InlineData(Opcode.Text)]
    [InlineData(Opcode.Binary)]
    [InlineData(Opcode.Ping)]
    [InlineData(Opcode.Pong)]
    [InlineData(Opcode.Close)]
    public Task Family11_Masking_Case11_4_MaskedServerFrame_Closes1002(Opcode opcode) =>
        ExpectRejectedAsync(s => s.Frame(opcode, opcode == Opcode.Close ? new byte[] { 0x03, 0xe8 } : "masked"u8.ToArray(), mask: true), CloseStatus.ProtocolError);

    [Fact]
    public async Task Family11_Masking_Case11_5_MaskedContinuation_Closes1002AfterFirstFragment()
    {
        await using var session = await OpenAsync();
        var first = "unmasked first fragment"u8.ToArray();
        await session.SendAsync(session.Frame(Opcode.Binary, first, fin: false), session.Frame(Opcode.Continuation, "masked"u8, mask: true));
        await session.ExpectFailedAsync(CloseStatus.ProtocolError, first);
    }

    /// <summary>The relay as client masks data, pongs and its close (the peer's reader fails on an unmasked one).</summary>
    [Fact]
    public Task Family11_Masking_Case11_6_RelayClientFrames_Masked() => Family11_Masking_ServerRole.RelayFramesAsync(Relay, expectMasked: true);
}
