using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Relay.Core.Hosting;
using Relay.Testing;
using RawHttp = Relay.Core.Tests.Hosting.MetricsEndpointTests.RawHttp;
using Server = Relay.Core.Tests.Hosting.MetricsEndpointTests.Server;

namespace Relay.Core.Tests.Hosting;

/// <summary>A slow, huge or crowded request must not hold the endpoint that orchestrators probe.</summary>
public sealed class MetricsEndpointLimitsTests
{
    private static readonly TimeSpan s_requestTimeout = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task SlowLoris_HeadNeverEnds_CutOffWith408WhileOthersAreServed()
    {
        await using var server = Server.Start(requestTimeout: s_requestTimeout);
        using var slow = await RawHttp.ConnectAsync(server.Endpoint.LocalEndPoint);
        var clock = Stopwatch.StartNew();

        // Part of a head, then silence: the blank line never comes.
        await slow.SendAsync("GET /healthz HTTP/1.1\r\nHost: x\r\n"u8.ToArray(), SocketFlags.None, Loopback.Timeout());
        using var meanwhile = await server.Client.GetAsync(MetricsEndpoint.HealthPath, Loopback.Timeout());
        var answer = await RawHttp.ReadToEndAsync(slow, timeoutSeconds: 10);

        Assert.Equal(HttpStatusCode.OK, meanwhile.StatusCode);
        Assert.StartsWith("HTTP/1.1 408 Request Timeout\r\n", answer, StringComparison.Ordinal);
        Assert.True(clock.Elapsed >= s_requestTimeout - TimeSpan.FromMilliseconds(50), $"cut after {clock.Elapsed}");
    }

    [Fact]
    public async Task SlowLoris_ByteByByte_CutOffAtTheDeadlineNotPerRead()
    {
        await using var server = Server.Start(requestTimeout: s_requestTimeout);
        using var slow = await RawHttp.ConnectAsync(server.Endpoint.LocalEndPoint);
        var reading = RawHttp.ReadToEndAsync(slow, timeoutSeconds: 10);

        // One header byte at a time, each well inside the timeout: only a deadline on the whole head cuts this off.
        using var trickle = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        var header = "GET /healthz HTTP/1.1\r\nX-Slow: "u8.ToArray();
        var sent = 0;
        while (!reading.IsCompleted && await trickle.WaitForNextTickAsync(Loopback.Timeout()))
        {
            try
            {
                await slow.SendAsync(new[] { sent < header.Length ? header[sent] : (byte)'a' }, SocketFlags.None);
            }
            catch (SocketException)
            {
                break; // The endpoint closed on us.
            }

            sent++;
        }

        var answer = await reading;
        Assert.StartsWith("HTTP/1.1 408 Request Timeout\r\n", answer, StringComparison.Ordinal);
        Assert.InRange(sent, 1, 80); // About 10 bytes in 500 ms; 80 would be 4 s of trickling.
    }

    [Fact]
    public async Task HugeHead_PastTheLimit_Returns431()
    {
        await using var server = Server.Start();
        var request = "GET /metrics HTTP/1.1\r\nX-Big: "u8.ToArray().Concat(Enumerable.Repeat((byte)'a', MetricsEndpoint.MaxRequestHeadLength)).ToArray();

        var answer = await RawHttp.ExchangeAsync(server.Endpoint.LocalEndPoint, request);

        Assert.StartsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HeadSplitAcrossWrites_IsReassembled()
    {
        await using var server = Server.Start();
        using var socket = await RawHttp.ConnectAsync(server.Endpoint.LocalEndPoint);

        // CRLFCRLF split across two sends.
        await socket.SendAsync("GET /healthz HTTP/1.1\r\nHost: x\r\n\r"u8.ToArray(), SocketFlags.None, Loopback.Timeout());
        await Task.Yield();
        await socket.SendAsync("\n"u8.ToArray(), SocketFlags.None, Loopback.Timeout());
        var answer = await RawHttp.ReadToEndAsync(socket);

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", answer, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\nok\n", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connections_PastTheCap_Answered503WithoutWaiting()
    {
        await using var server = Server.Start(requestTimeout: TimeSpan.FromSeconds(20));
        var idle = new List<Socket>();
        try
        {
            // Fill every slot with a connection that sends nothing, and make sure each was accepted (its slot taken)
            // by a request behind them being refused.
            for (var i = 0; i < MetricsEndpoint.MaxConnections; i++)
            {
                idle.Add(await RawHttp.ConnectAsync(server.Endpoint.LocalEndPoint));
            }

            var answer = await WaitForRefusalAsync(server.Endpoint.LocalEndPoint);

            Assert.StartsWith("HTTP/1.1 503 Service Unavailable\r\n", answer, StringComparison.Ordinal);
        }
        finally
        {
            idle.ForEach(socket => socket.Dispose());
        }

        // Slots come back when the idle connections go.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            using var response = await server.Client.GetAsync(MetricsEndpoint.HealthPath, cts.Token);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                break;
            }
        }
    }

    /// <summary>Accept is asynchronous, so the last idle connection may not hold its slot yet: ask until refused.</summary>
    private static async Task<string> WaitForRefusalAsync(EndPoint endPoint)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            cts.Token.ThrowIfCancellationRequested();
            var answer = await RawHttp.ExchangeAsync(endPoint, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
            if (!answer.StartsWith("HTTP/1.1 200", StringComparison.Ordinal))
            {
                return answer;
            }
        }
    }
}
