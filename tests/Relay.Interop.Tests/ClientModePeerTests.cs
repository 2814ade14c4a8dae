using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Relay.Testing;

namespace Relay.Interop.Tests;

/// <summary>
/// Real WebSocket servers (node ws, python3-websockets, System.Net.WebSockets) facing relay's client modes: the port
/// forwarder <c>relay -b tcp-l:127.0.0.1:P ws://127.0.0.1:S/</c> and the stdio client <c>relay -b - ws://…</c>. What
/// .NET's server already does in <see cref="StdioClientTests"/> (closing first with a code) is not repeated for it.
/// </summary>
public sealed class ClientModePeerTests
{
    private const int StreamBytes = 32 * 1024 * 1024;
    private const int PeerCloseCode = 4001;

    public static TheoryData<string> AllServers => new() { Peers.Node, Peers.Python, Peers.Dotnet };

    private static async Task<(RelayProcess Relay, int Port)> StartPortForwarderAsync(int serverPort, CancellationToken token)
    {
        var port = Loopback.FreePort();
        var relay = await RelayBinary.StartListeningAsync(token, "-b", $"tcp-l:127.0.0.1:{port}", $"ws://127.0.0.1:{serverPort}/");
        return (relay, port);
    }

    private static async Task<Socket> ConnectAsync(int port, CancellationToken token)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), token);
        return socket;
    }

    /// <summary>
    /// Reads until EOF, or only <paramref name="count"/> bytes when given; returns the byte count and SHA-256 (hex)
    /// of what it read.
    /// </summary>
    private static async Task<(long Bytes, string Sha256)> ReadAsync(Socket socket, long? count, CancellationToken token)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[256 * 1024];
        long total = 0;
        while (count is null || total < count)
        {
            var room = count is { } limit ? (int)Math.Min(buffer.Length, limit - total) : buffer.Length;
            var read = await socket.ReceiveAsync(buffer.AsMemory(0, room), SocketFlags.None, token);
            if (read == 0)
            {
                break;
            }

            hash.AppendData(buffer, 0, read);
            total += read;
        }

        return (total, InteropPeer.Hex(hash.GetHashAndReset()));
    }

    /// <summary>
    /// Round-trips <paramref name="data"/> (written in sizes from 1 byte to 200 KiB) through the port forwarder and
    /// its echoing peer server, then ends the TCP side: relay's Close 1000 is answered and the TCP client gets EOF.
    /// The echo is read whole before the EOF on purpose: a WebSocket server stops sending once it has a Close
    /// (python3-websockets drops the echoes still queued), so a half-close in the middle would lose them by RFC 6455
    /// §5.5.1, not by a fault of relay's.
    /// </summary>
    private static async Task RoundTripThenEofAsync(Socket socket, byte[] data, CancellationToken token)
    {
        var reading = ReadAsync(socket, data.Length, token);
        var sizes = new Random(data.Length);
        for (var offset = 0; offset < data.Length;)
        {
            var size = Math.Min(sizes.Next(3) switch { 0 => sizes.Next(1, 17), 1 => sizes.Next(17, 70_000), _ => sizes.Next(70_000, 200 * 1024 + 1) }, data.Length - offset);
            await socket.SendAllAsync(data.AsMemory(offset, size), token);
            offset += size;
        }

        Assert.Equal(((long)data.Length, InteropPeer.Hex(SHA256.HashData(data))), await reading);
        socket.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, (await ReadAsync(socket, count: null, token)).Bytes);
    }

    [Theory]
    [MemberData(nameof(AllServers))]
    public async Task PortForwarder_32MiBThroughEchoingPeerServerThenTcpEof_ShaMatchesAndPeerServerSeesClose1000(string peer)
    {
        var token = Loopback.Timeout(60);
        await using var server = await Peers.StartServerAsync(peer, "echo", null, token);
        var (relay, port) = await StartPortForwarderAsync(server.Port, token);
        await using var relayProcess = relay;
        using var tcp = await ConnectAsync(port, token);
        var data = new byte[StreamBytes];
        new Random(StreamBytes).NextBytes(data);
        var expected = ((long)StreamBytes, InteropPeer.Hex(SHA256.HashData(data)));

        await RoundTripThenEofAsync(tcp, data, token);

        Assert.Equal(expected, await server.CountAsync("received", token));
        Assert.Equal(1000, await server.CloseCodeAsync(token));
    }

    [Theory]
    [InlineData(Peers.Node)]
    [InlineData(Peers.Python)] // .NET: StdioClientTests.ServerCloses_With4000AndReason_StdoutEndsAndRelayExits7NamingTheCode
    public async Task StdioClient_PeerServerClosesWith4001_RelayExits7NamingCodeAndEchoesIt(string peer)
    {
        var token = Loopback.Timeout(30);
        await using var server = await Peers.StartServerAsync(peer, "close", PeerCloseCode.ToString(CultureInfo.InvariantCulture), token);
        using var relay = RelayBinary.Start("-b", "-", $"ws://127.0.0.1:{server.Port}/");
        var text = await RelayCommand.EndAfterServerCloseAsync(relay, token);
        Assert.True(relay.ExitCode == 7, $"exit code {relay.ExitCode}: {text}");
        Assert.Contains($"closed by the server with {PeerCloseCode}", text, StringComparison.Ordinal);
        Assert.Contains("peer-bye", text, StringComparison.Ordinal);
        Assert.Equal(PeerCloseCode, await server.CloseCodeAsync(token));
    }

    [Theory]
    [MemberData(nameof(AllServers))]
    public async Task PortForwarder_PeerServerPings_RelayAnswersPongAndBytesStillFlow(string peer)
    {
        var token = Loopback.Timeout(30);
        await using var server = await Peers.StartServerAsync(peer, "ping", null, token);
        await using var tap = new FrameTap(server.Port);
        var (relay, port) = await StartPortForwarderAsync(tap.Port, token);
        await using var relayProcess = relay;
        using var tcp = await ConnectAsync(port, token);

        if (peer == Peers.Dotnet)
        {
            // .NET pings as keepalive (every 100 ms here) and checks each Pong's payload itself: three answered.
            await tap.WaitToServerAsync(opcode: 0xA, count: 3, token);
        }
        else
        {
            Assert.Equal(InteropPeer.PingPayloadHex, (await server.ExpectAsync("pong", token))[0]);
            await tap.WaitToServerAsync(opcode: 0xA, count: 1, token);
        }

        Assert.True(tap.ToClient(0x9) >= tap.ToServer(0xA), $"{tap.ToServer(0xA)} pongs for {tap.ToClient(0x9)} pings");
        await RoundTripThenEofAsync(tcp, RandomNumberGenerator.GetBytes(100_000), token);
        Assert.Equal(1000, await server.CloseCodeAsync(token));
    }
}
