using System.Text;
using Relay.Testing;

namespace Relay.Cli.Tests;

/// <summary>
/// The published client through real proxies (tinyproxy for HTTP CONNECT, microsocks for SOCKS5), chosen by
/// --proxy or by the environment as curl chooses, and bypassed by NO_PROXY/--noproxy.
/// </summary>
public sealed class ProxyClientTests(RelayBinaryFixture binary) : IClassFixture<RelayBinaryFixture>
{
    private static readonly byte[] s_input = Encoding.ASCII.GetBytes("via the proxy");

    [Fact]
    public async Task Client_HttpsProxyVariableWithAuth_WssGoesThroughTinyProxy()
    {
        var timeout = Loopback.Timeout(20);
        using var ca = new TestCertificateAuthority();
        using var certificate = ca.IssueServer().Load();
        await using var server = new ClientTestServer(certificate);
        await using var proxy = await ProxyPeer.StartTinyProxyAsync(timeout, "user", "pass");
        var environment = ClientTestEnvironment.With(("HTTPS_PROXY", $"http://user:pass@127.0.0.1:{proxy.Port}"), ("SSL_CERT_FILE", ca.CertificatePemPath));

        var (exit, stdout, stderr) = await EchoRunAsync(server, environment, timeout, "-b", "-", server.Url());

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Equal(s_input, stdout);
        Assert.Contains("Established connection to host \"127.0.0.1\"", proxy.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_LowerCaseHttpProxyVariable_WsGoesThroughTinyProxy()
    {
        var timeout = Loopback.Timeout(20);
        await using var server = new ClientTestServer();
        await using var proxy = await ProxyPeer.StartTinyProxyAsync(timeout);
        var environment = ClientTestEnvironment.With(("http_proxy", $"127.0.0.1:{proxy.Port}"));

        var (exit, stdout, stderr) = await EchoRunAsync(server, environment, timeout, "-b", "-", server.Url());

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Equal(s_input, stdout);
        Assert.Contains("Established connection to host \"127.0.0.1\"", proxy.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_UpperCaseHttpProxyOnly_WsGoesDirectAsCurl()
    {
        var timeout = Loopback.Timeout(20);
        await using var server = new ClientTestServer();
        var environment = ClientTestEnvironment.With(("HTTP_PROXY", $"http://127.0.0.1:{Loopback.FreePort()}"));

        var (exit, stdout, stderr) = await EchoRunAsync(server, environment, timeout, "-b", "-", server.Url());

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Equal(s_input, stdout);
    }

    [Fact]
    public async Task Client_NoProxyMatchesTarget_GoesDirectPastADeadProxy()
    {
        var timeout = Loopback.Timeout(20);
        await using var server = new ClientTestServer();
        var environment = ClientTestEnvironment.With(("ALL_PROXY", $"http://127.0.0.1:{Loopback.FreePort()}"), ("NO_PROXY", "example.com, 127.0.0.1"));

        var (exit, stdout, stderr) = await EchoRunAsync(server, environment, timeout, "-b", "-", server.Url());

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Equal(s_input, stdout);
    }

    [Fact]
    public async Task Client_EmptyProxyOption_IgnoresTheEnvironment()
    {
        var timeout = Loopback.Timeout(20);
        await using var server = new ClientTestServer();
        var environment = ClientTestEnvironment.With(("ALL_PROXY", $"http://127.0.0.1:{Loopback.FreePort()}"));

        var (exit, stdout, stderr) = await EchoRunAsync(server, environment, timeout, "-b", "--proxy", "", "-", server.Url());

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Equal(s_input, stdout);
    }

    [Fact]
    public async Task Client_DeadProxyFromEnvironment_Exits3NamingTheProxy()
    {
        using var deadProxy = new RefusingPort();
        var port = deadProxy.Port;
        var url = $"ws://127.0.0.1:{Loopback.FreePort()}/";
        var environment = ClientTestEnvironment.With(("all_proxy", $"http://user:secret@127.0.0.1:{port}"));

        var (exit, _, stderr) = await Run([], environment, Loopback.Timeout(15), "-b", "-", url);

        Assert.Equal(3, exit);
        Assert.Equal($"relay: {url}: proxy http://127.0.0.1:{port}: connection refused\n", stderr);
    }

    /// <summary>--proxy socks5h:// with credentials, and websocat's own spelling of it (--socks5, --socks5-user-pass), as
    /// a migrated ProxyCommand line carries it.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Client_Socks5hProxyWithAuth_GoesThroughMicroSocksByName(bool websocatSpelling)
    {
        var timeout = Loopback.Timeout(20);
        await using var server = new ClientTestServer();
        await using var proxy = await ProxyPeer.StartMicroSocksAsync(timeout, "user", "pass");
        var url = $"ws://localhost:{server.Port}/";
        string[] proxyArguments = websocatSpelling
            ? ["--socks5", $"127.0.0.1:{proxy.Port}", "--socks5-user-pass", "user:pass"]
            : ["--proxy", $"socks5h://user:pass@127.0.0.1:{proxy.Port}"];

        var (exit, stdout, stderr) = await EchoRunAsync(server, ClientTestEnvironment.With(), timeout, ["-b", .. proxyArguments, "-", url]);

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Equal(s_input, stdout);
        await proxy.WaitForOutputAsync($"connected to localhost:{server.Port}", timeout);
    }

    [Fact]
    public async Task PortForwarder_Socks5hProxyOption_EachTcpClientTunnelsThroughMicroSocks()
    {
        var timeout = Loopback.Timeout(20);
        await using var server = new ClientTestServer();
        await using var proxy = await ProxyPeer.StartMicroSocksAsync(timeout);
        var port = Loopback.FreePort();
        Assert.NotEmpty(binary.Path);
        await using var forwarder = await RelayBinary.StartListeningAsync(timeout,
            "-b", "--proxy", $"socks5h://127.0.0.1:{proxy.Port}", $"tcp-l:127.0.0.1:{port}", $"ws://localhost:{server.Port}/fwd");

        using var tcp = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, port, timeout);
        await using var exchange = await server.NextAsync(timeout);
        using var webSocket = await exchange.AcceptAsync(timeout);
        var echoing = ClientTestEnvironment.EchoUntilCloseAsync(webSocket, timeout);
        await tcp.SendAsync(s_input, System.Net.Sockets.SocketFlags.None, timeout);
        var received = new byte[s_input.Length];
        var filled = 0;
        while (filled < received.Length)
        {
            var read = await tcp.ReceiveAsync(received.AsMemory(filled), System.Net.Sockets.SocketFlags.None, timeout);
            Assert.NotEqual(0, read);
            filled += read;
        }

        tcp.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        await echoing;

        Assert.Equal(s_input, received);
        Assert.Equal("/fwd", exchange.Request.Part2);
        await proxy.WaitForOutputAsync($"connected to localhost:{server.Port}", timeout);
    }

    [Fact]
    public async Task Client_ProxyWantsCredentials_Exits3WithTheProxysAnswer()
    {
        var timeout = Loopback.Timeout(20);
        await using var proxy = await ProxyPeer.StartTinyProxyAsync(timeout, "user", "pass");
        var url = $"ws://127.0.0.1:{Loopback.FreePort()}/";

        var (exit, _, stderr) = await Run([], ClientTestEnvironment.With(), timeout, "-b", "--proxy", $"http://127.0.0.1:{proxy.Port}", "-", url);

        Assert.Equal(3, exit);
        Assert.Equal($"relay: {url}: proxy refused CONNECT: 407 Proxy Authentication Required\n", stderr);
    }

    [Fact]
    public async Task Client_SocksProxyToDeadTarget_Exits3ConnectionRefusedByTarget()
    {
        var timeout = Loopback.Timeout(20);
        await using var proxy = await ProxyPeer.StartMicroSocksAsync(timeout);
        var url = $"ws://127.0.0.1:{Loopback.FreePort()}/";

        var (exit, _, stderr) = await Run([], ClientTestEnvironment.With(), timeout, "-b", "--proxy", $"socks5://127.0.0.1:{proxy.Port}", "-", url);

        Assert.Equal(3, exit);
        Assert.Equal($"relay: {url}: SOCKS5 proxy: connection refused by target\n", stderr);
    }

    [Fact]
    public async Task Client_UnsupportedProxyScheme_Exits2()
    {
        var (exit, _, stderr) = await Run([], ClientTestEnvironment.With(), Loopback.Timeout(15), "-b", "--proxy", "https://proxy:443", "-", "ws://127.0.0.1:1/");

        Assert.Equal(2, exit);
        Assert.Equal("relay: --proxy: proxy scheme 'https' is not supported; use http://, socks5:// or socks5h://\n", stderr);
    }

    /// <summary>Runs the client with <see cref="s_input"/> on stdin against <paramref name="server"/>, which echoes.</summary>
    private async Task<(int ExitCode, byte[] Stdout, string Stderr)> EchoRunAsync(ClientTestServer server, IReadOnlyDictionary<string, string?> environment, CancellationToken timeout, params string[] arguments)
    {
        var run = Run(s_input, environment, timeout, arguments);
        var accepted = server.NextAsync(timeout);
        if (await Task.WhenAny(run, accepted) == run)
        {
            return await run; // the client failed before reaching the server: its exit code tells why
        }

        await using var exchange = await accepted;
        using var webSocket = await exchange.AcceptAsync(timeout);
        await ClientTestEnvironment.EchoUntilCloseAsync(webSocket, timeout);
        return await run;
    }

    private Task<(int ExitCode, byte[] Stdout, string Stderr)> Run(byte[] stdin, IReadOnlyDictionary<string, string?> environment, CancellationToken timeout, params string[] arguments)
    {
        Assert.NotEmpty(binary.Path);
        return RelayCommand.RunAsync(stdin, environment, timeout, arguments);
    }
}
