using Relay.Core.Framing;
using Relay.Core.Hosting;
using Relay.Core.Relaying;
using Relay.Core.Transport;

namespace Relay.Cli.Tests;

/// <summary>The client's options parsed in process with a stand-in environment, and the exit-code mapping.</summary>
public sealed class ClientCommandLineTests
{
    private static CliOptions ParseRun(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        Assert.IsType<ParseOutcome.Run>(CommandLine.ParseWith(args, environment)).Options;

    private static string ParseUsage(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        Assert.IsType<ParseOutcome.UsageError>(CommandLine.ParseWith(args, environment)).Message;

    private static Dictionary<string, string?> Env(params (string Name, string? Value)[] variables) =>
        variables.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);

    [Theory]
    [InlineData("Bearer ${TOKEN}", "Bearer abc")]
    [InlineData("${TOKEN}${TOKEN}", "abcabc")]
    [InlineData("$$${TOKEN}", "$abc")]
    [InlineData("cost: $$5", "cost: $5")]
    [InlineData("$HOME stays", "$HOME stays")]
    [InlineData("trailing $", "trailing $")]
    [InlineData("${EMPTY}", "")]
    public void Parse_HeaderValue_ExpandsVariables(string value, string expected)
    {
        var options = ParseRun(Env(("TOKEN", "abc"), ("EMPTY", "")), "-b", "-H", $"X-A: {value}", "-", "ws://host/");

        Assert.Equal(expected, Assert.Single(options.Client.Headers).Value);
    }

    [Theory]
    [InlineData("Bearer ${MISSING}", "-H X-A: environment variable MISSING is not set")]
    [InlineData("Bearer ${TOKEN", "-H X-A: '${' without a closing '}' (write $$ for a literal $)")]
    [InlineData("${1X}", "-H X-A: '${1X}' is not an environment variable name")]
    [InlineData("${NEWLINE}", "-H X-A: the value from the environment holds a line break")]
    public void Parse_HeaderValueProblem_IsAUsageErrorNamingIt(string value, string expected)
    {
        Assert.Equal(expected, ParseUsage(Env(("TOKEN", "abc"), ("NEWLINE", "a\nb")), "-b", "-H", $"X-A: {value}", "-", "ws://host/"));
    }

    [Fact]
    public void Parse_ConnectTimeout_SetsClientOptions()
    {
        Assert.Equal(TimeSpan.FromSeconds(2.5), ParseRun(Env(), "-b", "--connect-timeout", "2.5", "-", "ws://host/").Client.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(15), ParseRun(Env(), "-b", "-", "ws://host/").Client.ConnectTimeout);
        Assert.Contains("--connect-timeout", ParseUsage(Env(), "-b", "--connect-timeout", "0", "-", "ws://host/"), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ProxyOption_SetsProxy()
    {
        var proxy = ParseRun(Env(), "-b", "--proxy", "socks5h://u:p@gw:9050", "-", "wss://host/").Client.Proxy;

        Assert.Equal(new ProxyAddress(ProxyScheme.Socks5Hostname, "gw", 9050, "u", "p"), proxy);
    }

    [Fact]
    public void Parse_WebsocatSocks5Options_MeanASocks5hProxy()
    {
        Assert.Equal(
            new ProxyAddress(ProxyScheme.Socks5Hostname, "127.0.0.1", 9050, null, null),
            ParseRun(Env(), "--binary", "--socks5", "127.0.0.1:9050", "-", "wss://host/").Client.Proxy);
        Assert.Equal(
            new ProxyAddress(ProxyScheme.Socks5Hostname, "gw", 1080, "me", "p@ss:word"),
            ParseRun(Env(), "-b", "--socks5", "gw:1080", "--socks5-user-pass", "me:p@ss:word", "tcp-l:127.0.0.1:2222", "wss://host/").Client.Proxy);
    }

    [Theory]
    [InlineData("--socks5 and --proxy exclude each other; --socks5 HOST:PORT means --proxy socks5h://HOST:PORT", "--socks5", "gw:1080", "--proxy", "http://gw:3128")]
    [InlineData("--socks5-user-pass goes with --socks5 HOST:PORT", "--socks5-user-pass", "me:pw")]
    [InlineData("--socks5 takes HOST:PORT, like 127.0.0.1:9050, not 'gw'", "--socks5", "gw")]
    [InlineData("--socks5 takes HOST:PORT, like 127.0.0.1:9050, not 'gw:0'", "--socks5", "gw:0")]
    [InlineData("--socks5-user-pass takes USER:PASS", "--socks5", "gw:1080", "--socks5-user-pass", "nocolon")]
    public void Parse_BadSocks5Options_AreUsageErrors(string expected, params string[] options)
    {
        Assert.Equal(expected, ParseUsage(Env(), ["-b", .. options, "-", "wss://host/"]));
    }

    [Fact]
    public void Parse_ProxyFromEnvironment_AppliesToTcpForwarderToo()
    {
        var proxy = ParseRun(Env(("HTTPS_PROXY", "proxy.corp:3128")), "-b", "tcp-l:127.0.0.1:2222", "wss://host/").Client.Proxy;

        Assert.Equal(new ProxyAddress(ProxyScheme.Http, "proxy.corp", 3128, null, null), proxy);
    }

    [Fact]
    public void Parse_NoProxyOption_OverridesEnvironmentProxy()
    {
        Assert.Null(ParseRun(Env(("HTTPS_PROXY", "proxy.corp:3128")), "-b", "--noproxy", "*", "-", "wss://host/").Client.Proxy);
        Assert.Null(ParseRun(Env(("HTTPS_PROXY", "proxy.corp:3128")), "-b", "--proxy", "", "-", "wss://host/").Client.Proxy);
    }

    [Fact]
    public void Parse_BadProxyFromEnvironment_IsAUsageErrorSayingWhere()
    {
        Assert.StartsWith("proxy from the environment: ", ParseUsage(Env(("ALL_PROXY", "ftp://x:21")), "-b", "-", "ws://host/"), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ClientKeyWithoutCert_IsAUsageError()
    {
        Assert.Equal("--client-key needs --client-cert", ParseUsage(Env(), "-b", "--client-key", "/tmp/k.pem", "-", "wss://host/"));
    }

    [Fact]
    public void Parse_ForwarderWithProxyEnvironment_HasNoClientProxy()
    {
        Assert.Null(ParseRun(Env(("ALL_PROXY", "http://p:1")), "-b", "ws-l:127.0.0.1:8080", "tcp:127.0.0.1:22").Client.Proxy);
    }

    [Theory]
    [InlineData(ConnectFailure.Connect, null, ExitCodes.ConnectFailed)]
    [InlineData(ConnectFailure.Tls, null, ExitCodes.TlsFailed)]
    [InlineData(ConnectFailure.Upgrade, 401, ExitCodes.UpgradeRefused)]
    [InlineData(ConnectFailure.Upgrade, null, ExitCodes.UpgradeRefused)]
    [InlineData(ConnectFailure.Upgrade, 502, ExitCodes.TargetUnreachable)]
    public void ExitCodeOf_ConnectFailure_MapsToTheDocumentedCode(ConnectFailure failure, int? status, int expected)
    {
        Assert.Equal(expected, Program.ExitCodeOf(new WebSocketConnectException(failure, "x", status)));
    }

    [Fact]
    public void DescribeEnding_SessionEndings_MapToCodesAndLines()
    {
        var relay = new RelayOptions { PingTimeout = TimeSpan.FromSeconds(3) };
        SessionResult Result(SessionEnding ending, ushort? received = null, ushort? sent = null, string reason = "") => new(ending, 0, 0, sent, received, reason, true);

        Assert.Equal((ExitCodes.ClosedAbnormally, "closed by the server with 1011 (target reset)"), Program.DescribeEnding(Result(SessionEnding.PeerClosedWithError, 1011, reason: "target reset"), relay));
        Assert.Equal((ExitCodes.ClosedAbnormally, "closed by the server with 4000 (application code)"), Program.DescribeEnding(Result(SessionEnding.PeerClosedWithError, 4000), relay));
        Assert.Equal((ExitCodes.ClosedAbnormally, "closed by the server without a close code"), Program.DescribeEnding(Result(SessionEnding.PeerClosedWithError, CloseStatus.NoStatusReceived), relay));
        Assert.Equal(ExitCodes.ClosedAbnormally, Program.DescribeEnding(Result(SessionEnding.ConnectionLost), relay).Code);
        Assert.Equal((ExitCodes.ClosedAbnormally, "the server did not answer a ping within 3 s (--ping-timeout)"), Program.DescribeEnding(Result(SessionEnding.PingTimeout), relay));
        Assert.Equal(ExitCodes.ClosedAbnormally, Program.DescribeEnding(Result(SessionEnding.ProtocolError, sent: 1002), relay).Code);
        Assert.Equal(ExitCodes.Failure, Program.DescribeEnding(Result(SessionEnding.ByteSideError, sent: 1011), relay).Code);
    }
}
