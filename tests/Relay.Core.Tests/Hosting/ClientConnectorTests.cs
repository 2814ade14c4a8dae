using System.Diagnostics;
using Relay.Core.Hosting;
using Relay.Core.Transport;
using Relay.Testing;

namespace Relay.Core.Tests.Hosting;

/// <summary>The client's upgrade against a real server on loopback: what the server sees, how refusals and a silent
/// server are reported, and the whole path through real proxies.</summary>
public sealed class ClientConnectorTests
{
    [Fact]
    public async Task Connect_HeadersProtocolOrigin_ServerSeesThem()
    {
        var timeout = Loopback.Timeout(20);
        await using var server = new ClientTestServer();
        var options = new ClientOptions
        {
            Headers = [new("Authorization", "Bearer s3cret"), new("X-Sandbox", "sbx-1")],
            Protocol = "relay.v1",
            Origin = "https://console.example",
        };

        var connecting = WebSocketConnector.ConnectAsync(new Uri(server.Url("/ssh?x=1")), options, timeout);
        await using var exchange = await server.NextAsync(timeout);
        using var webSocket = await exchange.AcceptAsync(timeout, subProtocol: "relay.v1");
        var (endpoint, _) = await connecting;
        await endpoint.DisposeAsync();

        Assert.Equal("/ssh?x=1", exchange.Request.Part2);
        Assert.Equal("Bearer s3cret", exchange.Request["Authorization"]);
        Assert.Equal("sbx-1", exchange.Request["X-Sandbox"]);
        Assert.Equal("relay.v1", exchange.Request["Sec-WebSocket-Protocol"]);
        Assert.Equal("https://console.example", exchange.Request["Origin"]);
    }

    [Theory]
    [InlineData(401, "Unauthorized", "upgrade refused: 401 Unauthorized (missing or wrong token)")]
    [InlineData(403, "Forbidden", "upgrade refused: 403 Forbidden (token or origin not allowed)")]
    [InlineData(404, "Not Found", "upgrade refused: 404 Not Found (no route for this path)")]
    [InlineData(503, "Service Unavailable", "upgrade refused: 503 Service Unavailable (the server is at capacity or draining)")]
    [InlineData(502, "Bad Gateway", "target unreachable: the server answered 502 Bad Gateway")]
    public async Task Connect_ServerRefuses_ReportsStatusAndMeaning(int status, string reason, string message)
    {
        var timeout = Loopback.Timeout(20);
        await using var server = new ClientTestServer();

        var connecting = WebSocketConnector.ConnectAsync(new Uri(server.Url()), new ClientOptions(), timeout);
        await using var exchange = await server.NextAsync(timeout);
        await exchange.RefuseAsync(status, reason, timeout);
        var ex = await Assert.ThrowsAsync<WebSocketConnectException>(() => connecting);

        Assert.Equal(ConnectFailure.Upgrade, ex.Failure);
        Assert.Equal(status, ex.HttpStatus);
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public async Task Connect_ServerNeverAnswersTheUpgrade_TimesOutAfterConnectTimeout()
    {
        var timeout = Loopback.Timeout(20);
        await using var server = new ClientTestServer();
        var options = new ClientOptions { ConnectTimeout = TimeSpan.FromMilliseconds(500) };
        var clock = Stopwatch.StartNew();

        var connecting = WebSocketConnector.ConnectAsync(new Uri(server.Url()), options, timeout);
        await using var exchange = await server.NextAsync(timeout); // read the request, answer nothing
        var ex = await Assert.ThrowsAsync<WebSocketConnectException>(() => connecting);

        Assert.Equal(ConnectFailure.Connect, ex.Failure);
        Assert.Equal("timed out after 0.5 s waiting for the upgrade response (--connect-timeout)", ex.Message);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Connect_NoServer_FailsAsConnectionRefused()
    {
        using var nothing = new RefusingPort();
        var ex = await Assert.ThrowsAsync<WebSocketConnectException>(() =>
            WebSocketConnector.ConnectAsync(new Uri($"ws://127.0.0.1:{nothing.Port}/"), new ClientOptions(), Loopback.Timeout(10)));

        Assert.Equal(ConnectFailure.Connect, ex.Failure);
        Assert.Equal("connection refused", ex.Message);
    }

    [Fact]
    public async Task Connect_WssThroughTinyProxyWithAuth_TunnelsTlsAndTheUpgrade()
    {
        var timeout = Loopback.Timeout(20);
        using var ca = new TestCertificateAuthority();
        using var serverCertificate = ca.IssueServer().Load();
        await using var server = new ClientTestServer(serverCertificate);
        await using var proxy = await ProxyPeer.StartTinyProxyAsync(timeout, "user", "pass");
        Assert.True(ProxyAddress.TryParse($"http://user:pass@127.0.0.1:{proxy.Port}", out var address, out _));
        var options = new ClientOptions { Proxy = address, TrustedCertificates = TlsClientFiles.LoadCertificates(ca.CertificatePemPath) };

        var connecting = WebSocketConnector.ConnectAsync(new Uri(server.Url("/via-proxy")), options, timeout);
        await using var exchange = await server.NextAsync(timeout);
        using var webSocket = await exchange.AcceptAsync(timeout);
        var (endpoint, prefix) = await connecting;
        await using var owned = endpoint;
        Assert.True(prefix.IsEmpty);
        await endpoint.WriteAsync(new byte[] { 0x82, 0x83, 0, 0, 0, 0, 1, 2, 3 }, timeout); // masked binary [1,2,3], zero key
        var buffer = new byte[16];
        var received = await webSocket.ReceiveAsync(buffer, timeout);

        Assert.Equal("/via-proxy", exchange.Request.Part2);
        Assert.Equal(new byte[] { 1, 2, 3 }, buffer[..received.Count]);
        Assert.Contains("Established connection to host \"127.0.0.1\"", proxy.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_ThroughTinyProxyWithoutCredentials_FailsAsConnectWith407()
    {
        var timeout = Loopback.Timeout(20);
        await using var server = new ClientTestServer();
        await using var proxy = await ProxyPeer.StartTinyProxyAsync(timeout, "user", "pass");
        var options = new ClientOptions { Proxy = new ProxyAddress(ProxyScheme.Http, "127.0.0.1", proxy.Port, null, null) };

        var ex = await Assert.ThrowsAsync<WebSocketConnectException>(() => WebSocketConnector.ConnectAsync(new Uri(server.Url()), options, timeout));

        Assert.Equal(ConnectFailure.Connect, ex.Failure);
        Assert.Equal("proxy refused CONNECT: 407 Proxy Authentication Required", ex.Message);
    }

    [Fact]
    public async Task Connect_ThroughMicroSocksByName_UpgradesWithTheOriginalHostHeader()
    {
        var timeout = Loopback.Timeout(20);
        await using var server = new ClientTestServer();
        await using var proxy = await ProxyPeer.StartMicroSocksAsync(timeout);
        var options = new ClientOptions { Proxy = new ProxyAddress(ProxyScheme.Socks5Hostname, "127.0.0.1", proxy.Port, null, null) };

        var connecting = WebSocketConnector.ConnectAsync(new Uri($"ws://localhost:{server.Port}/"), options, timeout);
        await using var exchange = await server.NextAsync(timeout);
        using var webSocket = await exchange.AcceptAsync(timeout);
        var (endpoint, _) = await connecting;
        await endpoint.DisposeAsync();

        Assert.Equal($"localhost:{server.Port}", exchange.Request["Host"]);
        await proxy.WaitForOutputAsync($"connected to localhost:{server.Port}", timeout);
    }
}
