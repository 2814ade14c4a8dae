using System.Text;
using Relay.Core.Framing;
using Relay.Core.Handshake;
using Relay.Testing;

namespace Relay.Conformance.Tests;

/// <summary>
/// Family 10 in the client role: relay checks the server's answer to its upgrade (RFC 6455 §4.1) and relays nothing
/// over a connection whose answer is wrong; frames the server sends right behind its 101 belong to the session.
/// </summary>
public sealed class Family10_Handshake_ClientRole(ClientRoleFixture relay) : ConformanceCases(relay), IClassFixture<ClientRoleFixture>
{
    private readonly ClientRoleFixture _forwarder = relay;

    [Fact]
    public async Task Family10_Handshake_Case10_15_FramesPipelinedBehind101_ReachTcpSide()
    {
        var timeout = Loopback.Timeout(30);
        var (client, server, key) = await _forwarder.AcceptUpgradeAsync(timeout);
        await using var session = new ConformanceSession(new RawWebSocketPeer(server, isClient: false), client, timeout);
        var payload = Payloads.Binary(2000, seed: 1015);
        await server.SendAllAsync(Payloads.Concat(
            HttpExchange.SwitchingProtocols(key),
            session.Frame(Opcode.Binary, payload),
            session.Frame(Opcode.Text, "pipelined"u8)), timeout);
        Assert.Equal(Payloads.Concat(payload, "pipelined"u8.ToArray()), await session.ReadByteSideAsync(payload.Length + 9));
        await session.ExpectNothingSentAsync();
        await session.CloseNormallyAsync();
    }

    [Theory]
    [InlineData("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")] // wrong accept
    [InlineData("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n")]                           // no Upgrade
    [InlineData("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")]                                       // no accept
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("SSH-2.0-OpenSSH_9.2\r\n\r\n")]                                                                                                // not HTTP
    public async Task Family10_Handshake_Case10_16_BadUpgradeAnswer_NothingRelayed(string answer)
    {
        var timeout = Loopback.Timeout(30);
        var (client, server, key) = await _forwarder.AcceptUpgradeAsync(timeout);
        using (client)
        using (server)
        {
            var frame = new RawWebSocketPeer(server, isClient: false).BuildFrame(Opcode.Binary, "must not be relayed"u8);
            await server.SendAllAsync(Payloads.Concat(Encoding.ASCII.GetBytes(answer.Replace("{accept}", WebSocketAccept.Compute(key), StringComparison.Ordinal)), frame), timeout);

            // relay drops both connections: the TCP client gets no byte, the server no frame.
            Assert.Empty(await client.ReadToEndAsyncOrReset(timeout));
            Assert.Empty(await server.ReadToEndAsyncOrReset(timeout));
        }
    }

    /// <summary>The 101 in one-byte writes is still one answer.</summary>
    [Fact]
    public async Task Family10_Handshake_Case10_17_AnswerInOneByteWrites_Relays()
    {
        var timeout = Loopback.Timeout(30);
        var (client, server, key) = await _forwarder.AcceptUpgradeAsync(timeout);
        await using var session = new ConformanceSession(new RawWebSocketPeer(server, isClient: false), client, timeout);
        foreach (var b in HttpExchange.SwitchingProtocols(key))
        {
            await server.SendAllAsync(new[] { b }, timeout);
        }

        await session.SendAsync(session.Frame(Opcode.Binary, "hello"u8));
        Assert.Equal("hello"u8.ToArray(), await session.ReadByteSideAsync(5));
        await session.CloseNormallyAsync();
    }
}
