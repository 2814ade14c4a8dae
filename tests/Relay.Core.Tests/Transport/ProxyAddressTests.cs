using Relay.Core.Transport;

namespace Relay.Core.Tests.Transport;

public sealed class ProxyAddressTests
{
    [Theory]
    [InlineData("http://proxy.corp:3128", ProxyScheme.Http, "proxy.corp", 3128)]
    [InlineData("proxy.corp:3128", ProxyScheme.Http, "proxy.corp", 3128)]
    [InlineData("http://proxy.corp", ProxyScheme.Http, "proxy.corp", 1080)]
    [InlineData("socks5://127.0.0.1:1080", ProxyScheme.Socks5, "127.0.0.1", 1080)]
    [InlineData("socks5h://gw:9050/", ProxyScheme.Socks5Hostname, "gw", 9050)]
    [InlineData("http://[::1]:8080", ProxyScheme.Http, "::1", 8080)]
    public void TryParse_ValidUrl_GivesSchemeHostPort(string text, ProxyScheme scheme, string host, int port)
    {
        Assert.True(ProxyAddress.TryParse(text, out var proxy, out var error), error);
        Assert.Equal(scheme, proxy!.Scheme);
        Assert.Equal(host, proxy.Host);
        Assert.Equal(port, proxy.Port);
        Assert.Null(proxy.UserName);
    }

    [Fact]
    public void TryParse_PercentEncodedUserInfo_IsDecoded()
    {
        Assert.True(ProxyAddress.TryParse("http://us%40er:p%3Ass%40word@proxy:3128", out var proxy, out _));
        Assert.Equal("us@er", proxy!.UserName);
        Assert.Equal("p:ss@word", proxy.Password);
        Assert.DoesNotContain("word", proxy.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://proxy:443", "not supported")]
    [InlineData("socks4://proxy:1080", "not supported")]
    [InlineData("http://proxy:3128/path", "no path")]
    [InlineData("http://", "not a proxy URL")]
    public void TryParse_Unsupported_SaysWhy(string text, string expected)
    {
        Assert.False(ProxyAddress.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_BadUrlWithPassword_DoesNotEchoThePassword()
    {
        Assert.False(ProxyAddress.TryParse("http://user:secret@ bad host", out _, out var error));
        Assert.DoesNotContain("secret", error, StringComparison.Ordinal);
    }
}
