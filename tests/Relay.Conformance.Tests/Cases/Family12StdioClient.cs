using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Relay.Core.Framing;
using Relay.Testing;

namespace Relay.Conformance.Tests;

/// <summary>
/// Our family 12: the stdio client (the SSH ProxyCommand, <c>relay -b - ws://…</c>) facing a raw-socket server that
/// sends crafted frames. Each case runs its own relay process, which ends with the session: the case asserts stdout
/// byte for byte, the masked frames and close code relay sends, its exit code, and the one line it prints.
/// </summary>
public sealed partial class Family12_StdioClient_ClientRole : IDisposable
{
    private readonly Socket _server = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public Family12_StdioClient_ClientRole()
    {
        _server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _server.Listen(4);
    }

    [Fact]
    public async Task Family12_StdioClient_Case12_1_ServerMessagesThenClose1000_StdoutExactExitZero()
    {
        await using var run = await StartAsync();
        var binary = Payloads.Binary(200_000, seed: 121);
        var text = Payloads.Utf8("κόσμε");
        await run.Peer.SendRawAsync(Payloads.Concat(
            run.Peer.BuildFrame(Opcode.Binary, binary),
            run.Peer.BuildFrame(Opcode.Text, text.AsSpan(0, 3), fin: false),
            run.Peer.BuildFrame(Opcode.Continuation, text.AsSpan(3)),
            run.Peer.BuildFrame(Opcode.Close, [0x03, 0xe8])), run.Timeout);

        Assert.Equal(Payloads.Concat(binary, text), await run.Stdout);
        run.Process.StandardInput.Close();
        var close = await ReadFrameAsync(run);
        Assert.Equal(Opcode.Close, close.Opcode);
        Assert.Equal(CloseStatus.NormalClosure, close.CloseCode);
        Assert.Equal(0, await run.ExitCodeAsync());
    }

    [Fact]
    public async Task Family12_StdioClient_Case12_2_StdinThenEof_MaskedFramesThenClose1000()
    {
        await using var run = await StartAsync();
        var input = Payloads.Binary(100_000, seed: 122);
        await run.Process.StandardInput.BaseStream.WriteAsync(input, run.Timeout);
        run.Process.StandardInput.Close();

        var received = new MemoryStream();
        RawFrame frame;
        while ((frame = await ReadFrameAsync(run)).Opcode == Opcode.Binary)
        {
            Assert.True(frame.Masked);
            received.Write(frame.Payload);
        }

        Assert.Equal(input, received.ToArray());
        Assert.Equal(Opcode.Close, frame.Opcode);
        Assert.Equal(CloseStatus.NormalClosure, frame.CloseCode);
        await run.Peer.SendCloseAsync(CloseStatus.NormalClosure, cancellationToken: run.Timeout);
        Assert.Empty(await run.Stdout);
        Assert.Equal(0, await run.ExitCodeAsync());
    }

    [Fact]
    public async Task Family12_StdioClient_Case12_3_Ping_MaskedPongSamePayload()
    {
        await using var run = await StartAsync();
        await run.Peer.SendFrameAsync(Opcode.Ping, "are you there"u8, cancellationToken: run.Timeout);
        var pong = await ReadFrameAsync(run);
        Assert.Equal(Opcode.Pong, pong.Opcode);
        Assert.True(pong.Masked);
        Assert.Equal("are you there"u8.ToArray(), pong.Payload);
        run.Process.StandardInput.Close();
        Assert.Equal(CloseStatus.NormalClosure, (await ReadFrameAsync(run)).CloseCode);
        await run.Peer.SendCloseAsync(CloseStatus.NormalClosure, cancellationToken: run.Timeout);
        Assert.Equal(0, await run.ExitCodeAsync());
    }

    /// <summary>A frame with RSV1 (0xC2 = FIN, RSV1, Binary): masked Close 1002, nothing on stdout, exit 1 naming the code.</summary>
    [Fact]
    public Task Family12_StdioClient_Case12_4_ReservedBit_Closes1002ExitsSeven() =>
        ExpectFailureAsync([0xC2, 0x03, 0x61, 0x62, 0x63], CloseStatus.ProtocolError);

    [Fact]
    public Task Family12_StdioClient_Case12_5_InvalidUtf8Text_Closes1007ExitsSeven() =>
        ExpectFailureAsync([0x81, 0x03, 0x61, 0xC0, 0xAF], CloseStatus.InvalidPayloadData); // FIN, Text, 3 bytes: 'a', overlong '/'

    /// <summary>FIN, Binary, 127 and a length of 2^63-1 with no payload: 1009 from the header alone.</summary>
    [Fact]
    public Task Family12_StdioClient_Case12_6_LengthFieldMaxInt63_Closes1009ExitsSeven() =>
        ExpectFailureAsync([0x82, 0x7F, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], CloseStatus.MessageTooBig);

    [Fact]
    public Task Family12_StdioClient_Case12_7_MaskedServerFrame_Closes1002ExitsSeven() =>
        ExpectFailureAsync([0x82, 0x81, 0x01, 0x02, 0x03, 0x04, 0x60], CloseStatus.ProtocolError); // FIN, Binary, MASK, 1 byte

    /// <summary>The server closes with an application code and a reason: relay echoes it, exits 7 and prints both.</summary>
    [Fact]
    public async Task Family12_StdioClient_Case12_8_PeerClosesWith4000_EchoedExitSevenWithReason()
    {
        await using var run = await StartAsync();
        await run.Peer.SendCloseAsync(4000, "session expired", run.Timeout);
        Assert.Empty(await run.Stdout);
        run.Process.StandardInput.Close();
        var close = await ReadFrameAsync(run);
        Assert.Equal(Opcode.Close, close.Opcode);
        Assert.Equal(4000, close.CloseCode);
        Assert.Equal(7, await run.ExitCodeAsync()); // ExitCodes.ClosedAbnormally
        Assert.Contains("4000", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("session expired", run.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Sends <paramref name="bad"/>; expects a masked Close with <paramref name="code"/>, empty stdout, exit 7 and the code on stderr.</summary>
    private async Task ExpectFailureAsync(byte[] bad, ushort code)
    {
        await using var run = await StartAsync();
        await run.Peer.SendRawAsync(bad, run.Timeout);
        var close = await ReadFrameAsync(run);
        Assert.Equal(Opcode.Close, close.Opcode);
        Assert.True(close.Masked);
        Assert.Equal(code, close.CloseCode);
        Assert.Empty(await run.Stdout);
        Assert.Equal(7, await run.ExitCodeAsync()); // ExitCodes.ClosedAbnormally
        Assert.Contains(code.ToString(CultureInfo.InvariantCulture), run.Stderr, StringComparison.Ordinal);
    }

    private static async Task<RawFrame> ReadFrameAsync(StdioRun run) =>
        await run.Peer.ReadFrameAsync(run.Timeout) ?? throw new EndOfStreamException($"relay closed without a frame: {run.Stderr}");

    /// <summary>Starts <c>relay -b - ws://127.0.0.1:S/stdio</c> and answers its upgrade.</summary>
    private async Task<StdioRun> StartAsync()
    {
        var timeout = Loopback.Timeout(30);
        var port = ((IPEndPoint)_server.LocalEndPoint!).Port;
        var process = RelayBinary.Start("-b", "--ping-interval", "0", "--max-message-size", RelayFixture.MaxMessageSize.ToString(CultureInfo.InvariantCulture), "-", $"ws://127.0.0.1:{port}/stdio");
        var run = new StdioRun(process, timeout);
        try
        {
            var server = await _server.AcceptAsync(timeout);
            run.Peer = new RawWebSocketPeer(server, isClient: false);
            var head = await HttpExchange.ReadHeadAsync(server, timeout);
            Assert.StartsWith("GET /stdio HTTP/1.1\r\n", head, StringComparison.Ordinal);
            await server.SendAllAsync(HttpExchange.SwitchingProtocols(KeyHeader().Match(head).Groups[1].Value), timeout);
            return run;
        }
        catch
        {
            await run.DisposeAsync();
            throw;
        }
    }

    public void Dispose() => _server.Dispose();

    [GeneratedRegex(@"\r\nSec-WebSocket-Key: *([^\r]*)\r\n", RegexOptions.IgnoreCase)]
    private static partial Regex KeyHeader();

    /// <summary>One stdio client process: stdout collected to its EOF, stderr collected, the server side's peer.</summary>
    private sealed class StdioRun : IAsyncDisposable
    {
        private readonly Task<string> _stderr;

        public StdioRun(Process process, CancellationToken timeout)
        {
            Process = process;
            Timeout = timeout;
            Stdout = ReadToEndAsync(process.StandardOutput.BaseStream, timeout);
            _stderr = process.StandardError.ReadToEndAsync(timeout);
        }

        public Process Process { get; }

        public CancellationToken Timeout { get; }

        public RawWebSocketPeer Peer { get; set; } = null!;

        /// <summary>Everything relay writes to stdout, complete when relay closes it.</summary>
        public Task<byte[]> Stdout { get; }

        public string Stderr => _stderr.IsCompletedSuccessfully ? _stderr.Result : "(stderr still open)";

        public async Task<int> ExitCodeAsync()
        {
            await Process.WaitForExitAsync(Timeout);
            await _stderr;
            return Process.ExitCode;
        }

        private static async Task<byte[]> ReadToEndAsync(Stream stream, CancellationToken cancellationToken)
        {
            var output = new MemoryStream();
            await stream.CopyToAsync(output, cancellationToken);
            return output.ToArray();
        }

        public async ValueTask DisposeAsync()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }

            await Process.WaitForExitAsync(CancellationToken.None);
            Process.Dispose();
            if (Peer is not null)
            {
                await Peer.DisposeAsync();
            }
        }
    }
}
