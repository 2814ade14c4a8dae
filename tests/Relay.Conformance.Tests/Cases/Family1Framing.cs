using Relay.Core.Framing;

namespace Relay.Conformance.Tests;

/// <summary>Autobahn family 1: text and binary messages of every length encoding, whole and in small TCP writes.</summary>
public abstract class Family1FramingCases(RelayFixture relay) : ConformanceCases(relay)
{
    [Theory]
    [InlineData(0)]
    [InlineData(125)]
    [InlineData(126)]
    [InlineData(127)]
    [InlineData(65535)]
    [InlineData(65536)]
    public Task Family1_Framing_Case1_1_TextMessage_RelayedIntact(int length) => RelaysAsync(Opcode.Text, Payloads.Text(length));

    [Theory]
    [InlineData(0)]
    [InlineData(125)]
    [InlineData(126)]
    [InlineData(127)]
    [InlineData(65535)]
    [InlineData(65536)]
    public Task Family1_Framing_Case1_2_BinaryMessage_RelayedIntact(int length) => RelaysAsync(Opcode.Binary, Payloads.Binary(length));

    /// <summary>16 MiB is exactly the configured message limit: streamed through, not refused, not buffered whole.</summary>
    [Fact]
    public Task Family1_Framing_Case1_3_Text16MiBAtTheLimit_RelayedIntact() => RelaysAsync(Opcode.Text, Payloads.Text((int)RelayFixture.MaxMessageSize));

    [Fact]
    public Task Family1_Framing_Case1_4_Binary16MiBAtTheLimit_RelayedIntact() => RelaysAsync(Opcode.Binary, Payloads.Binary((int)RelayFixture.MaxMessageSize));

    /// <summary>Headers and payloads cut at every kind of offset: writes of 1 byte, and of 1-7 bytes.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    public async Task Family1_Framing_Case1_5_MessagesInSmallTcpWrites_RelayedIntact(int maxWrite)
    {
        await using var session = await OpenAsync();
        var binary = Payloads.Binary(300);
        var text = Payloads.Text(126);
        var empty = Array.Empty<byte>();
        var small = Payloads.Binary(5, seed: 3);
        var bytes = Payloads.Concat(session.Frame(Opcode.Binary, binary), session.Frame(Opcode.Text, empty), session.Frame(Opcode.Text, text), session.Frame(Opcode.Binary, small));
        var expected = Payloads.Concat(binary, text, small);
        var sending = session.SendChoppedAsync(bytes, maxWrite);
        Assert.Equal(expected, await session.ReadByteSideAsync(expected.Length));
        await sending;
        await session.ExpectNothingSentAsync();
        await session.CloseNormallyAsync();
    }

    /// <summary>
    /// Sends one message and a marker message behind it; the byte side must get the payload and the marker exactly
    /// (a zero-length message is data: it adds nothing and does not end the session), and the relay sends nothing.
    /// </summary>
    private async Task RelaysAsync(Opcode opcode, byte[] payload)
    {
        await using var session = await OpenAsync(60);
        var marker = "end of message"u8.ToArray();
        var sending = session.SendAsync(session.Frame(opcode, payload), session.Frame(Opcode.Binary, marker));
        var received = await session.ReadByteSideAsync(payload.Length + marker.Length);
        await sending;
        Assert.True(received.AsSpan(0, payload.Length).SequenceEqual(payload), "the payload arrived altered");
        Assert.Equal(marker, received[payload.Length..]);
        await session.ExpectNothingSentAsync();
        await session.CloseNormallyAsync();
    }
}

public sealed class Family1_Framing_ServerRole(ServerRoleFixture relay) : Family1FramingCases(relay), IClassFixture<ServerRoleFixture>;

public sealed class Family1_Framing_ClientRole(ClientRoleFixture relay) : Family1FramingCases(relay), IClassFixture<ClientRoleFixture>;
