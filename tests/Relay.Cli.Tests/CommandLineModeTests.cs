using Relay.Core.Framing;

namespace Relay.Cli.Tests;

/// <summary>Command lines that parse: the mode, the specifiers and every option land where they belong.</summary>
public sealed class CommandLineModeTests
{
    [Fact]
    public void Parse_ProxyCommandSeedLine_ReturnsStdioClientWithBinary64KiB()
    {
        var options = ParseRun("--binary", "-B", "65536", "-", "wss://8081-abc.sandbox.example");

        Assert.Equal(Mode.StdioClient, options.Mode);
        Assert.Equal(SpecifierKind.Stdio, options.Left.Kind);
        Assert.Equal(SpecifierKind.WebSocketClient, options.Right.Kind);
        Assert.Equal(new Uri("wss://8081-abc.sandbox.example"), options.Right.Uri);
        Assert.Equal("8081-abc.sandbox.example", options.Right.Host);
        Assert.Equal(65536, options.Relay.BufferSize);
        Assert.Equal(Opcode.Binary, options.Relay.MessageType);
        Assert.False(options.BinaryImplied);
        Assert.False(options.Relay.ExitOnEof);
    }

    [Fact]
    public void Parse_SandboxForwarderSeedLine_ReturnsWebSocketForwarderWithExitOnEofAndTarget()
    {
        var options = ParseRun("-b", "--exit-on-eof", "ws-l:0.0.0.0:8081", "tcp:127.0.0.1:22");

        Assert.Equal(Mode.WebSocketForwarder, options.Mode);
        Assert.Equal(SpecifierKind.WebSocketListener, options.Left.Kind);
        Assert.Equal("0.0.0.0", options.Left.Host);
        Assert.Equal(8081, options.Left.Port);
        Assert.Equal(SpecifierKind.Tcp, options.Right.Kind);
        Assert.Equal("127.0.0.1", options.Right.Host);
        Assert.Equal(22, options.Right.Port);
        Assert.True(options.Relay.ExitOnEof);
        Assert.Equal(Opcode.Binary, options.Relay.MessageType);
    }

    [Fact]
    public void Parse_ShortExitOnEof_SetsExitOnEof()
    {
        Assert.True(ParseRun("-b", "-E", "ws-l:127.0.0.1:8081", "tcp:127.0.0.1:22").Relay.ExitOnEof);
    }

    [Fact]
    public void Parse_TcpListenerToWebSocketUrl_ReturnsTcpForwarder()
    {
        var options = ParseRun("-b", "tcp-l:127.0.0.1:2222", "wss://host/path");

        Assert.Equal(Mode.TcpForwarder, options.Mode);
        Assert.Equal(SpecifierKind.TcpListener, options.Left.Kind);
        Assert.Equal("127.0.0.1", options.Left.Host);
        Assert.Equal(2222, options.Left.Port);
        Assert.Equal(new Uri("wss://host/path"), options.Right.Uri);
    }

    [Fact]
    public void Parse_UnixTarget_ReturnsWebSocketForwarderWithPath()
    {
        var options = ParseRun("-b", "ws-l:127.0.0.1:8081", "unix:/run/app.sock");

        Assert.Equal(Mode.WebSocketForwarder, options.Mode);
        Assert.Equal(SpecifierKind.Unix, options.Right.Kind);
        Assert.Equal("/run/app.sock", options.Right.Path);
    }

    [Fact]
    public void Parse_BracketedIpv6Host_StripsBracketsAndKeepsPort()
    {
        var options = ParseRun("-b", "ws-l:[::1]:8080", "tcp:[::1]:22");

        Assert.Equal("::1", options.Left.Host);
        Assert.Equal(8080, options.Left.Port);
        Assert.Equal("::1", options.Right.Host);
        Assert.Equal(22, options.Right.Port);
    }

    [Fact]
    public void Parse_Text_SendsTextMessages()
    {
        var options = ParseRun("-t", "-", "ws://host/");

        Assert.Equal(Opcode.Text, options.Relay.MessageType);
        Assert.False(options.BinaryImplied);
    }

    [Fact]
    public void Parse_NeitherBinaryNorText_SendsBinaryAndSaysItWasImplied()
    {
        var options = ParseRun("-", "ws://host/");

        Assert.Equal(Opcode.Binary, options.Relay.MessageType);
        Assert.True(options.BinaryImplied);
    }

    [Fact]
    public void Parse_BufferSize_SetsBufferSize()
    {
        Assert.Equal(4096, ParseRun("-b", "-B", "4096", "-", "ws://host/").Relay.BufferSize);
        Assert.Equal(1000, ParseRun("-b", "--buffer-size", "1000", "-", "ws://host/").Relay.BufferSize);
    }

    [Fact]
    public void Parse_RepeatedHeaders_KeepsThemInOrder()
    {
        var options = ParseRun("-b", "-H", "A: b", "-H", "C: d", "--header", "X-Token: t:1", "-", "ws://host/");

        Assert.Equal(
            [new("A", "b"), new("C", "d"), new("X-Token", "t:1")],
            options.Client.Headers.ToArray());
    }

    [Fact]
    public void Parse_ProtocolOriginInsecure_SetClientOptions()
    {
        var options = ParseRun("-b", "--protocol", "chat", "--origin", "https://example.com", "-k", "-", "wss://host/");

        Assert.Equal("chat", options.Client.Protocol);
        Assert.Equal("https://example.com", options.Client.Origin);
        Assert.True(options.Client.Insecure);
        Assert.True(ParseRun("-b", "--insecure", "-", "wss://host/").Client.Insecure);
    }

    [Fact]
    public void Parse_NoClientOptions_SendsNoExtrasAndChecksCertificates()
    {
        var options = ParseRun("-b", "-", "wss://host/");

        Assert.Empty(options.Client.Headers);
        Assert.Null(options.Client.Protocol);
        Assert.Null(options.Client.Origin);
        Assert.False(options.Client.Insecure);
    }

    [Fact]
    public void Parse_TimingAndSizeOptions_SetRelayOptions()
    {
        var options = ParseRun(
            "-b", "--ping-interval", "5", "--ping-timeout", "10", "--close-timeout", "1.5", "--max-message-size", "100",
            "ws-l:127.0.0.1:8081", "tcp:127.0.0.1:22");

        Assert.Equal(TimeSpan.FromSeconds(5), options.Relay.PingInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Relay.PingTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1.5), options.Relay.CloseTimeout);
        Assert.Equal(100, options.Relay.MaxMessageSize);
    }

    [Fact]
    public void Parse_NoTimingOptions_UsesDefaults()
    {
        var options = ParseRun("-b", "ws-l:127.0.0.1:8081", "tcp:127.0.0.1:22");

        Assert.Equal(TimeSpan.FromSeconds(25), options.Relay.PingInterval);
        Assert.Equal(TimeSpan.Zero, options.Relay.PingTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Relay.CloseTimeout);
        Assert.Equal(0, options.Relay.MaxMessageSize);
        Assert.Equal(65536, options.Relay.BufferSize);
    }

    [Fact]
    public void Parse_ZeroPingInterval_TurnsPingsOff()
    {
        Assert.Equal(TimeSpan.Zero, ParseRun("-b", "--ping-interval", "0", "-", "ws://host/").Relay.PingInterval);
    }

    [Fact]
    public void Parse_QuietAndVerbose_AreReported()
    {
        Assert.True(ParseRun("-b", "-q", "-", "ws://host/").Quiet);
        Assert.True(ParseRun("-b", "-v", "-", "ws://host/").Verbose);
        var plain = ParseRun("-b", "-", "ws://host/");
        Assert.False(plain.Quiet);
        Assert.False(plain.Verbose);
    }

    private static CliOptions ParseRun(params string[] args)
    {
        var outcome = CommandLine.Parse(args);
        var run = Assert.IsType<ParseOutcome.Run>(outcome);
        return run.Options;
    }
}
