using System.Net.Sockets;
using System.Security.Cryptography;
using Relay.Core.Transport;
using Relay.Testing;

namespace Relay.Core.Tests.Transport;

/// <summary>Tunnels through real proxies on loopback: tinyproxy (HTTP CONNECT) and microsocks (SOCKS5), to a real
/// TCP echo target.</summary>
public sealed class ProxyTunnelTests
{
    [Fact]
    public async Task Connect_ThroughTinyProxy_CarriesBytesBothWays()
    {
        var timeout = Loopback.Timeout(20);
        await using var echo = new EchoServer();
        await using var proxy = await ProxyPeer.StartTinyProxyAsync(timeout);

        using var socket = await ProxyTunnel.ConnectAsync(Http(proxy), "127.0.0.1", echo.Port, null, timeout);

        await AssertEchoesAsync(socket, timeout);
        Assert.Contains("Established connection to host \"127.0.0.1\"", proxy.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_TinyProxyWithBasicAuthAndRightCredentials_CarriesBytes()
    {
        var timeout = Loopback.Timeout(20);
        await using var echo = new EchoServer();
        await using var proxy = await ProxyPeer.StartTinyProxyAsync(timeout, "user", "pass");
        Assert.True(ProxyAddress.TryParse($"http://user:pass@127.0.0.1:{proxy.Port}", out var address, out _));

        using var socket = await ProxyTunnel.ConnectAsync(address!, "127.0.0.1", echo.Port, null, timeout);

        await AssertEchoesAsync(socket, timeout);
    }

    [Fact]
    public async Task Connect_TinyProxyWithBasicAuthAndNoCredentials_ThrowsProxyRefused407()
    {
        var timeout = Loopback.Timeout(20);
        await using var echo = new EchoServer();
        await using var proxy = await ProxyPeer.StartTinyProxyAsync(timeout, "user", "pass");

        var ex = await Assert.ThrowsAsync<ProxyException>(() => ProxyTunnel.ConnectAsync(Http(proxy), "127.0.0.1", echo.Port, null, timeout));

        Assert.Equal("proxy refused CONNECT: 407 Proxy Authentication Required", ex.Message);
        Assert.Equal(0, echo.Accepted);
    }

    [Fact]
    public async Task Connect_TinyProxyToDeadTarget_ThrowsProxyRefusedWithItsStatus()
    {
        var timeout = Loopback.Timeout(20);
        await using var proxy = await ProxyPeer.StartTinyProxyAsync(timeout);
        using var deadTarget = new RefusingPort();

        var ex = await Assert.ThrowsAsync<ProxyException>(() => ProxyTunnel.ConnectAsync(Http(proxy), "127.0.0.1", deadTarget.Port, null, timeout));

        Assert.StartsWith("proxy refused CONNECT: 5", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_NoProxyListening_ThrowsProxyConnectionRefused()
    {
        using var noProxy = new RefusingPort();
        Assert.True(ProxyAddress.TryParse($"http://127.0.0.1:{noProxy.Port}", out var address, out _));

        var ex = await Assert.ThrowsAsync<ProxyException>(() => ProxyTunnel.ConnectAsync(address!, "127.0.0.1", 1, null, Loopback.Timeout(10)));

        Assert.Equal($"proxy {address}: connection refused", ex.Message);
    }

    [Fact]
    public async Task Connect_ThroughMicroSocks_CarriesBytesAndSendsTheAddress()
    {
        var timeout = Loopback.Timeout(20);
        await using var echo = new EchoServer();
        await using var proxy = await ProxyPeer.StartMicroSocksAsync(timeout);

        using var socket = await ProxyTunnel.ConnectAsync(Socks(proxy, "socks5"), "localhost", echo.Port, null, timeout);

        await AssertEchoesAsync(socket, timeout);
        // socks5:// resolves locally, as curl: the proxy was asked for an address, not the name.
        await proxy.WaitForOutputAsync($"connected to 127.0.0.1:{echo.Port}", timeout);
    }

    [Fact]
    public async Task Connect_ThroughMicroSocksSocks5h_SendsTheName()
    {
        var timeout = Loopback.Timeout(20);
        await using var echo = new EchoServer();
        await using var proxy = await ProxyPeer.StartMicroSocksAsync(timeout);

        using var socket = await ProxyTunnel.ConnectAsync(Socks(proxy, "socks5h"), "localhost", echo.Port, null, timeout);

        await AssertEchoesAsync(socket, timeout);
        await proxy.WaitForOutputAsync($"connected to localhost:{echo.Port}", timeout);
    }

    [Fact]
    public async Task Connect_MicroSocksWithAuthAndRightCredentials_CarriesBytes()
    {
        var timeout = Loopback.Timeout(20);
        await using var echo = new EchoServer();
        await using var proxy = await ProxyPeer.StartMicroSocksAsync(timeout, "user", "p@ss");
        Assert.True(ProxyAddress.TryParse($"socks5://user:p%40ss@127.0.0.1:{proxy.Port}", out var address, out _));

        using var socket = await ProxyTunnel.ConnectAsync(address!, "127.0.0.1", echo.Port, null, timeout);

        await AssertEchoesAsync(socket, timeout);
    }

    [Fact]
    public async Task Connect_MicroSocksWithAuthAndWrongPassword_ThrowsAuthenticationFailed()
    {
        var timeout = Loopback.Timeout(20);
        await using var proxy = await ProxyPeer.StartMicroSocksAsync(timeout, "user", "pass");
        Assert.True(ProxyAddress.TryParse($"socks5://user:wrong@127.0.0.1:{proxy.Port}", out var address, out _));

        var ex = await Assert.ThrowsAsync<ProxyException>(() => ProxyTunnel.ConnectAsync(address!, "127.0.0.1", 1, null, timeout));

        Assert.Equal("SOCKS5 proxy: authentication failed (wrong user or password)", ex.Message);
    }

    [Fact]
    public async Task Connect_MicroSocksWithAuthAndNoCredentials_ThrowsAuthenticationRequired()
    {
        var timeout = Loopback.Timeout(20);
        await using var proxy = await ProxyPeer.StartMicroSocksAsync(timeout, "user", "pass");

        var ex = await Assert.ThrowsAsync<ProxyException>(() => ProxyTunnel.ConnectAsync(Socks(proxy, "socks5"), "127.0.0.1", 1, null, timeout));

        Assert.StartsWith("SOCKS5 proxy: authentication required", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_MicroSocksToDeadTarget_ThrowsConnectionRefusedByTarget()
    {
        var timeout = Loopback.Timeout(20);
        await using var proxy = await ProxyPeer.StartMicroSocksAsync(timeout);
        using var deadTarget = new RefusingPort();

        var ex = await Assert.ThrowsAsync<ProxyException>(() => ProxyTunnel.ConnectAsync(Socks(proxy, "socks5"), "127.0.0.1", deadTarget.Port, null, timeout));

        Assert.Equal("SOCKS5 proxy: connection refused by target", ex.Message);
    }

    private static ProxyAddress Http(ProxyPeer proxy) => new(ProxyScheme.Http, "127.0.0.1", proxy.Port, null, null);

    private static ProxyAddress Socks(ProxyPeer proxy, string scheme) =>
        new(scheme == "socks5h" ? ProxyScheme.Socks5Hostname : ProxyScheme.Socks5, "127.0.0.1", proxy.Port, null, null);

    private static async Task AssertEchoesAsync(Socket socket, CancellationToken timeout)
    {
        var sent = RandomNumberGenerator.GetBytes(100_000);
        var sending = socket.SendAsync(sent, SocketFlags.None, timeout).AsTask();
        var received = new byte[sent.Length];
        var filled = 0;
        while (filled < received.Length)
        {
            var read = await socket.ReceiveAsync(received.AsMemory(filled), SocketFlags.None, timeout);
            Assert.NotEqual(0, read);
            filled += read;
        }

        await sending;
        Assert.Equal(sent, received);
    }
}
