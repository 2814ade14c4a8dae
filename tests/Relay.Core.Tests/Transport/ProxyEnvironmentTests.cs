using Relay.Core.Transport;

namespace Relay.Core.Tests.Transport;

/// <summary>curl's proxy environment rules as a pure function: which variable wins for ws:// and wss://, and what
/// NO_PROXY/--noproxy bypass.</summary>
public sealed class ProxyEnvironmentTests
{
    private static readonly Uri s_wss = new("wss://8081-sbx.sandbox.example/ssh");
    private static readonly Uri s_ws = new("ws://8081-sbx.sandbox.example:8080/");

    private static Dictionary<string, string?> Env(params (string Name, string Value)[] variables) =>
        variables.ToDictionary(v => v.Name, v => (string?)v.Value, StringComparer.Ordinal);

    [Fact]
    public void Resolve_WssWithHttpsProxy_UsesIt()
    {
        Assert.Equal("http://proxy:3128", ProxyEnvironment.Resolve(s_wss, null, null, Env(("HTTPS_PROXY", "http://proxy:3128"))));
    }

    [Fact]
    public void Resolve_WssLowerCaseBeforeUpperCase_LowerCaseWins()
    {
        Assert.Equal("http://lower:1", ProxyEnvironment.Resolve(s_wss, null, null, Env(("HTTPS_PROXY", "http://upper:1"), ("https_proxy", "http://lower:1"))));
    }

    [Fact]
    public void Resolve_WssProxyVariable_BeatsHttpsProxy()
    {
        Assert.Equal("http://ws:1", ProxyEnvironment.Resolve(s_wss, null, null, Env(("wss_proxy", "http://ws:1"), ("https_proxy", "http://https:1"))));
    }

    [Fact]
    public void Resolve_WsWithLowerCaseHttpProxy_UsesIt()
    {
        Assert.Equal("http://proxy:3128", ProxyEnvironment.Resolve(s_ws, null, null, Env(("http_proxy", "http://proxy:3128"))));
    }

    [Fact]
    public void Resolve_WsWithUpperCaseHttpProxyOnly_IgnoresItAsCurlDoes()
    {
        Assert.Null(ProxyEnvironment.Resolve(s_ws, null, null, Env(("HTTP_PROXY", "http://proxy:3128"))));
    }

    [Fact]
    public void Resolve_WsIgnoresHttpsProxy_FallsBackToAllProxy()
    {
        Assert.Equal("socks5h://all:1080", ProxyEnvironment.Resolve(s_ws, null, null, Env(("https_proxy", "http://https:1"), ("ALL_PROXY", "socks5h://all:1080"))));
    }

    [Fact]
    public void Resolve_LowerCaseAllProxy_BeatsUpperCase()
    {
        Assert.Equal("http://lower:1", ProxyEnvironment.Resolve(s_wss, null, null, Env(("ALL_PROXY", "http://upper:1"), ("all_proxy", "http://lower:1"))));
    }

    [Fact]
    public void Resolve_ProxyOption_BeatsEnvironment()
    {
        Assert.Equal("socks5://opt:1", ProxyEnvironment.Resolve(s_wss, "socks5://opt:1", null, Env(("https_proxy", "http://env:1"))));
    }

    [Fact]
    public void Resolve_EmptyProxyOption_MeansDirect()
    {
        Assert.Null(ProxyEnvironment.Resolve(s_wss, "", null, Env(("https_proxy", "http://env:1"))));
    }

    [Fact]
    public void Resolve_EmptyLowerCaseVariable_StopsTheSearchAsInCurl()
    {
        Assert.Null(ProxyEnvironment.Resolve(s_wss, null, null, Env(("https_proxy", ""), ("HTTPS_PROXY", "http://upper:1"), ("ALL_PROXY", "http://all:1"))));
    }

    [Fact]
    public void Resolve_NothingSet_IsDirect()
    {
        Assert.Null(ProxyEnvironment.Resolve(s_wss, null, null, Env()));
    }

    [Fact]
    public void Resolve_NoProxyMatchesHost_IsDirectEvenWithProxyOption()
    {
        var env = Env(("https_proxy", "http://env:1"), ("NO_PROXY", "localhost,.sandbox.example"));
        Assert.Null(ProxyEnvironment.Resolve(s_wss, null, null, env));
        Assert.Null(ProxyEnvironment.Resolve(s_wss, "http://opt:1", null, env));
    }

    [Fact]
    public void Resolve_NoProxyOption_ReplacesNoProxyVariable()
    {
        var env = Env(("https_proxy", "http://env:1"), ("no_proxy", "*"));
        Assert.Equal("http://env:1", ProxyEnvironment.Resolve(s_wss, null, "other.example", env));
        Assert.Null(ProxyEnvironment.Resolve(s_wss, null, "sandbox.example", env));
    }

    [Fact]
    public void Resolve_LowerCaseNoProxy_BeatsUpperCase()
    {
        var env = Env(("https_proxy", "http://env:1"), ("no_proxy", "other.example"), ("NO_PROXY", "*"));
        Assert.Equal("http://env:1", ProxyEnvironment.Resolve(s_wss, null, null, env));
    }

    [Theory]
    [InlineData("*", "anything.example", 443, true)]
    [InlineData("example.com", "example.com", 443, true)]
    [InlineData("example.com", "EXAMPLE.COM", 443, true)]
    [InlineData("example.com", "a.b.example.com", 443, true)]
    [InlineData(".example.com", "a.example.com", 443, true)]
    [InlineData(".example.com", "example.com", 443, true)]
    [InlineData("example.com", "badexample.com", 443, false)]
    [InlineData("example.com", "example.com.evil", 443, false)]
    [InlineData("a.com, b.com", "b.com", 443, true)]
    [InlineData("a.com b.com", "b.com", 443, true)]
    [InlineData("127.0.0.1", "127.0.0.1", 80, true)]
    [InlineData("127.0.0.1", "127.0.0.2", 80, false)]
    [InlineData("10.0.0.0/8", "10.1.2.3", 80, true)]
    [InlineData("10.0.0.0/8", "11.1.2.3", 80, false)]
    [InlineData("::1", "::1", 80, true)]
    [InlineData("[::1]", "[::1]", 80, true)]
    [InlineData("fd00::/8", "fd12::1", 80, true)]
    [InlineData("example.com:8443", "example.com", 8443, true)]
    [InlineData("example.com:8443", "example.com", 443, false)]
    [InlineData("127.0.0.1:9000", "127.0.0.1", 9000, true)]
    [InlineData("[::1]:9000", "::1", 9000, true)]
    [InlineData("[::1]:9000", "::1", 9001, false)]
    [InlineData("", "example.com", 443, false)]
    [InlineData("*.example.com", "a.example.com", 443, false)]
    public void IsBypassed_Entry_MatchesAsCurl(string noProxy, string host, int port, bool bypassed)
    {
        Assert.Equal(bypassed, ProxyEnvironment.IsBypassed(host, port, noProxy));
    }
}
