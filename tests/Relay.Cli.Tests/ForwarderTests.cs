using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Relay.Testing;

namespace Relay.Cli.Tests;

/// <summary>The two listening modes of the published binary: the WebSocket forwarder and the local port forwarder.</summary>
public sealed class ForwarderTests(RelayBinaryFixture binary) : IClassFixture<RelayBinaryFixture>
{
    [Fact]
    public async Task TcpForwarder_OneMiBThenHalfClose_EchoesEveryByteThenCloses()
    {
        var timeout = Loopback.Timeout(20);
        await using var echo = new EchoServer();
        var wsPort = Loopback.FreePort();
        var tcpPort = Loopback.FreePort();
        await using var wsForwarder = await RelayBinary.StartListeningAsync(timeout, "-b", "-E", $"ws-l:127.0.0.1:{wsPort}", $"tcp:127.0.0.1:{echo.Port}");
        await using var tcpForwarder = await RelayBinary.StartListeningAsync(timeout, "-b", $"tcp-l:127.0.0.1:{tcpPort}", $"ws://127.0.0.1:{wsPort}/");
        var input = RandomNumberGenerator.GetBytes(1 << 20);

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, tcpPort), timeout);
        await using var stream = new NetworkStream(client, ownsSocket: false);
        var receiving = ReadToEndAsync(stream, timeout);
        await stream.WriteAsync(input, timeout);
        client.Shutdown(SocketShutdown.Send);
        byte[] output;
        try
        {
            output = await receiving;
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"no EOF from the port forwarder in time\ntcp-l: {tcpForwarder.Stderr}\nws-l: {wsForwarder.Stderr}");
            throw;
        }

        Assert.Equal(input.Length, output.Length);
        Assert.Equal(SHA256.HashData(input), SHA256.HashData(output));
        Assert.Equal(1, echo.Accepted);
    }

    [Fact]
    public async Task WebSocketForwarder_PlainHttpGet_Answers426()
    {
        var timeout = Loopback.Timeout(15);
        await using var echo = new EchoServer();
        var port = Loopback.FreePort();
        await using var forwarder = await StartWebSocketForwarderAsync(port, echo.Port, timeout);

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout);
        await using var stream = new NetworkStream(client, ownsSocket: false);
        await stream.WriteAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), timeout);
        var response = Encoding.ASCII.GetString(await ReadToEndAsync(stream, timeout));

        Assert.StartsWith("HTTP/1.1 426", response, StringComparison.Ordinal);
        Assert.Contains("Upgrade: websocket", response, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, echo.Accepted);
    }

    [Theory]
    [InlineData("ws-l")]
    [InlineData("tcp-l")]
    public async Task Forwarder_Sigterm_ExitsZero(string listener)
    {
        var timeout = Loopback.Timeout(15);
        var port = Loopback.FreePort();
        await using var forwarder = listener == "ws-l"
            ? await StartWebSocketForwarderAsync(port, Loopback.FreePort(), timeout)
            : await RelayBinary.StartListeningAsync(timeout, "-b", $"tcp-l:127.0.0.1:{port}", $"ws://127.0.0.1:{Loopback.FreePort()}/");

        using (var kill = Process.Start("kill", ["-TERM", forwarder.Process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(timeout);
            Assert.Equal(0, kill.ExitCode);
        }

        await forwarder.Process.WaitForExitAsync(timeout);
        Assert.True(forwarder.Process.ExitCode == 0, $"exit code {forwarder.Process.ExitCode}: {forwarder.Stderr}");
    }

    private Task<RelayProcess> StartWebSocketForwarderAsync(int port, int targetPort, CancellationToken cancellationToken)
    {
        Assert.NotEmpty(binary.Path);
        return RelayBinary.StartListeningAsync(cancellationToken, "-b", "-E", $"ws-l:127.0.0.1:{port}", $"tcp:127.0.0.1:{targetPort}");
    }

    private static async Task<byte[]> ReadToEndAsync(Stream stream, CancellationToken cancellationToken)
    {
        var output = new MemoryStream();
        await stream.CopyToAsync(output, cancellationToken);
        return output.ToArray();
    }
}
