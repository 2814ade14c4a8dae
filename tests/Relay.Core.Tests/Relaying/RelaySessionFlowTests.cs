using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using Relay.Core.Framing;
using Relay.Core.Relaying;
using Relay.Core.Transport;
using Relay.Testing;

namespace Relay.Core.Tests.Relaying;

/// <summary>Throughput, backpressure and buffer ownership: the pump's memory contract.</summary>
public sealed class RelaySessionFlowTests
{
    private const long OneGiB = 1L << 30;

    [Fact]
    public async Task Pump_OneGiBEachWayAtOnce_Sha256MatchesAtBothEnds()
    {
        var token = Loopback.Timeout(240);
        var pool = new TrackingArrayPool();
        var options = new RelayOptions { PingInterval = TimeSpan.Zero, BufferPool = pool };
        var (relayWs, peerWs) = await Loopback.CreatePairAsync();
        var (relayBytes, target) = await Loopback.CreatePairAsync();
        var session = RelaySession.RunAsync(new SocketEndpoint(relayWs), WebSocketRole.Server, new SocketEndpoint(relayBytes), ReadOnlyMemory<byte>.Empty, options, token);

        // The WebSocket peer is System.Net.WebSockets' own client implementation.
        using var client = WebSocket.CreateFromStream(new NetworkStream(peerWs, ownsSocket: true), new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });

        var upload = Task.Run(async () =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var chunk = new byte[64 * 1024];
            var random = new Random(1);
            for (long sent = 0; sent < OneGiB; sent += chunk.Length)
            {
                random.NextBytes(chunk.AsSpan(0, 64));
                hash.AppendData(chunk);
                await client.SendAsync(chunk, WebSocketMessageType.Binary, endOfMessage: true, token);
            }

            return hash.GetHashAndReset();
        }, token);
        var targetReceive = Task.Run(() => HashSocketAsync(target, OneGiB, token), token);
        var download = Task.Run(async () =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var chunk = new byte[64 * 1024];
            var random = new Random(2);
            for (long sent = 0; sent < OneGiB; sent += chunk.Length)
            {
                random.NextBytes(chunk.AsSpan(0, 64));
                hash.AppendData(chunk);
                await target.SendAllAsync(chunk, token);
            }

            return hash.GetHashAndReset();
        }, token);
        var clientReceive = Task.Run(async () =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[128 * 1024];
            long received = 0;
            while (received < OneGiB)
            {
                var result = await client.ReceiveAsync(buffer, token);
                Assert.Equal(WebSocketMessageType.Binary, result.MessageType);
                hash.AppendData(buffer, 0, result.Count);
                received += result.Count;
            }

            return hash.GetHashAndReset();
        }, token);

        Assert.Equal(await upload, await targetReceive);
        Assert.Equal(await download, await clientReceive);

        // Close from the client; the target then ends its side and the relay echoes.
        var closing = client.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", token);
        Assert.Empty(await target.ReadToEndAsync(token));
        target.Shutdown(SocketShutdown.Send);
        await closing;
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);

        var ended = await session.WaitAsync(token);
        Assert.Equal(SessionEnding.Normal, ended.Ending);
        Assert.Equal(OneGiB, ended.BytesToWebSocket);
        Assert.Equal(OneGiB, ended.BytesFromWebSocket);
        Assert.Empty(pool.Errors);
        Assert.Equal(0, pool.Outstanding);

        // Two directions, one buffer each at most (the receive one is -B plus two frame headers, so that a frame of -B
        // bytes and the next header fit one read): nothing grows with the 2 GiB that went through.
        Assert.True(pool.PeakOutstandingBytes <= (2 * RelayOptions.DefaultBufferSize) + (2 * FrameReader.MaxHeaderLength), $"peak {pool.PeakOutstandingBytes} bytes");
        target.Dispose();
    }

    [Fact]
    public async Task Pump_SlowTarget_HoldsAtMostOneBufferPerDirectionAndLosesNothing()
    {
        var token = Loopback.Timeout(60);
        await using var h = await PumpHarness.StartAsync();
        var data = RelaySessionCloseTests.RandomNumberGenerator(32 * 1024 * 1024);
        var sending = Task.Run(async () =>
        {
            for (var offset = 0; offset < data.Length; offset += 256 * 1024)
            {
                await h.Peer.SendFrameAsync(Opcode.Binary, data.AsSpan(offset, 256 * 1024), cancellationToken: token);
            }
        }, token);

        // The target drains slowly for the first 4 MiB (small reads with pauses: the sink is the slow part of this
        // workload), so the relay's writes block and it must stop reading the WebSocket instead of buffering.
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (received.Length < data.Length)
        {
            var read = await h.Target.ReceiveAsync(buffer, SocketFlags.None, token);
            Assert.NotEqual(0, read);
            received.Write(buffer, 0, read);
            if (received.Length < 4 * 1024 * 1024)
            {
                await Task.Delay(1, token);
            }
        }

        await sending;
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(received.ToArray()));
        Assert.True(h.Pool.PeakOutstandingBytes <= (2 * RelayOptions.DefaultBufferSize) + (2 * FrameReader.MaxHeaderLength), $"peak {h.Pool.PeakOutstandingBytes} bytes");
        Assert.Empty(h.Pool.Errors);
    }

    [Fact]
    public async Task Pump_IdleSession_HoldsNoBuffer()
    {
        var token = Loopback.Timeout();
        await using var h = await PumpHarness.StartAsync();
        await h.Peer.SendFrameAsync(Opcode.Binary, new byte[50_000], cancellationToken: token);
        Assert.Equal(50_000, (await h.Target.ReadExactlyAsync(50_000, token)).Length);
        await h.Target.SendAllAsync(new byte[50_000], token);
        Assert.Equal(50_000, (await h.Peer.ReadDataAsync(50_000, token)).Length);

        // Both directions are back in their zero-byte reads: every rented buffer has been returned.
        Assert.True(SpinWait.SpinUntil(() => h.Pool.Outstanding == 0, TimeSpan.FromSeconds(5)), $"{h.Pool.Outstanding} buffers still rented after {h.Pool.Rents} rents: {h.Pool.DescribeOutstanding()}");
        Assert.True(h.Pool.Rents >= 2);
        Assert.False(h.Session.IsCompleted);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Pump_BigFramesInRandomWrites_AlignedReadsDeliverEveryByteInOrder(int seed)
    {
        // Frames around the buffer size (where reads align to frame ends and slivers behind a header are held back),
        // mixed with small and empty ones and pings, written in random pieces: the byte side must get exactly the
        // payloads, in order.
        var token = Loopback.Timeout(60);
        var pool = new TrackingArrayPool();
        var options = new RelayOptions { PingInterval = TimeSpan.Zero, BufferPool = pool };
        var (relayWs, peerWs) = await Loopback.CreatePairAsync();
        var (relayBytes, target) = await Loopback.CreatePairAsync();
        var session = RelaySession.RunAsync(new SocketEndpoint(relayWs), WebSocketRole.Server, new SocketEndpoint(relayBytes), ReadOnlyMemory<byte>.Empty, options, token);
        await using var peer = new RawWebSocketPeer(peerWs, isClient: true);

        var random = new Random(seed);
        int[] sizes = [32_768, 65_522, 65_535, 65_536, 65_537, 100_000, 131_072, 0, 1, 125, 40_000, 70_000];
        var stream = new MemoryStream();
        using var expected = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long total = 0;
        for (var i = 0; i < 120; i++)
        {
            var payload = new byte[sizes[random.Next(sizes.Length)]];
            random.NextBytes(payload);
            expected.AppendData(payload);
            total += payload.Length;
            stream.Write(peer.BuildFrame(Opcode.Binary, payload));
            if (random.Next(8) == 0)
            {
                stream.Write(peer.BuildFrame(Opcode.Ping, "p"u8));
            }
        }

        var wire = stream.ToArray();
        var received = HashSocketAsync(target, total, token);
        for (var offset = 0; offset < wire.Length;)
        {
            var length = Math.Min(wire.Length - offset, random.Next(4) == 0 ? random.Next(1, 20) : random.Next(1, 90_000));
            await peer.SendRawAsync(wire.AsMemory(offset, length), token);
            offset += length;
        }

        Assert.Equal(expected.GetHashAndReset(), await received);
        await peer.SendCloseAsync(CloseStatus.NormalClosure, cancellationToken: token);
        target.Shutdown(SocketShutdown.Send);
        var ended = await session.WaitAsync(token);
        Assert.Equal(total, ended.BytesFromWebSocket);
        Assert.Empty(pool.Errors);
        target.Dispose();
    }

    private static async Task<byte[]> HashSocketAsync(Socket socket, long count, CancellationToken token)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[128 * 1024];
        long received = 0;
        while (received < count)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count - received)), SocketFlags.None, token);
            Assert.NotEqual(0, read);
            hash.AppendData(buffer, 0, read);
            received += read;
        }

        return hash.GetHashAndReset();
    }
}
