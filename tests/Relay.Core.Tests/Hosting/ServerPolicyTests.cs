using System.Text;
using Relay.Core.Handshake;
using Relay.Core.Hosting;

namespace Relay.Core.Tests.Hosting;

public sealed class ServerPolicyTests
{
    private static readonly Target s_ssh = Target.Tcp("127.0.0.1", 22);
    private static readonly Target s_vnc = Target.Tcp("127.0.0.1", 5900);

    [Theory]
    [InlineData("/ssh", "/ssh")]
    [InlineData("/ssh/", "/ssh")]
    [InlineData("/ssh?token=x", "/ssh")]
    [InlineData("ws://relay.example/ssh", "/ssh")]
    public void Check_RoutedPath_PicksItsTarget(string requestTarget, string route)
    {
        var policy = new ServerPolicy(null, new Dictionary<string, Target> { ["/ssh"] = s_ssh, ["/vnc"] = s_vnc });
        Assert.Equal(HandshakeFailure.None, policy.Check(Request(requestTarget), out var target, out var matched));
        Assert.Equal(s_ssh, target);
        Assert.Equal(route, matched);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/sshx")]
    [InlineData("/ssh/x")]
    [InlineData("/SSH")]
    public void Check_UnroutedPathWithoutDefault_Is404(string requestTarget)
    {
        var policy = new ServerPolicy(null, new Dictionary<string, Target> { ["/ssh"] = s_ssh });
        Assert.Equal(HandshakeFailure.NoRoute, policy.Check(Request(requestTarget), out var target, out _));
        Assert.Null(target);
    }

    [Fact]
    public void Check_UnroutedPathWithDefault_TakesTheDefault()
    {
        var policy = new ServerPolicy(s_vnc, new Dictionary<string, Target> { ["/ssh"] = s_ssh });
        Assert.Equal(HandshakeFailure.None, policy.Check(Request("/anything"), out var target, out var route));
        Assert.Equal(s_vnc, target);
        Assert.Equal("*", route);
    }

    [Theory]
    [InlineData(HandshakeFailure.Unauthorized, "/")]
    [InlineData(HandshakeFailure.Unauthorized, "/", "Authorization: Bearer wrong")]
    [InlineData(HandshakeFailure.Unauthorized, "/", "Authorization: Basic dTpw")]
    [InlineData(HandshakeFailure.Unauthorized, "/?token=wrong")]
    [InlineData(HandshakeFailure.Unauthorized, "/?xtoken=a%20b%26c")]
    [InlineData(HandshakeFailure.None, "/", "Authorization: Bearer a b&c")]
    [InlineData(HandshakeFailure.None, "/", "Authorization: bearer  a b&c ")]
    [InlineData(HandshakeFailure.None, "/?token=a%20b%26c")]
    [InlineData(HandshakeFailure.None, "/?x=1&token=a%20b%26c&y=2")]
    public void Check_Token_FromHeaderOrQuery(HandshakeFailure expected, string requestTarget, params string[] headers)
    {
        var policy = new ServerPolicy(s_ssh, token: new BearerToken("a b&c"));
        Assert.Equal(expected, policy.Check(Request(requestTarget, headers), out _, out _));
    }

    [Fact]
    public void Check_UnknownPathWithToken_Is404BeforeTheTokenIsLookedAt()
    {
        var policy = new ServerPolicy(null, new Dictionary<string, Target> { ["/ssh"] = s_ssh }, new BearerToken("t"));
        Assert.Equal(HandshakeFailure.NoRoute, policy.Check(Request("/other"), out _, out _));
    }

    [Theory]
    [InlineData(HandshakeFailure.None)]
    [InlineData(HandshakeFailure.None, "Origin: https://console.example")]
    [InlineData(HandshakeFailure.None, "Origin: HTTPS://CONSOLE.EXAMPLE")]
    [InlineData(HandshakeFailure.OriginNotAllowed, "Origin: https://console.example.evil")]
    [InlineData(HandshakeFailure.OriginNotAllowed, "Origin: null")]
    public void Check_OriginAllowList(HandshakeFailure expected, params string[] headers)
    {
        var policy = new ServerPolicy(s_ssh, allowedOrigins: ["https://console.example/"]);
        Assert.Equal(expected, policy.Check(Request("/", headers), out _, out _));
    }

    [Fact]
    public void BearerToken_ToString_NeverShowsTheToken() =>
        Assert.DoesNotContain("secret", new BearerToken("secret").ToString(), StringComparison.Ordinal);

    [Fact]
    public void SessionLimiter_AtTheCap_RefusesUntilOneExits()
    {
        var limiter = new SessionLimiter(2);
        Assert.True(limiter.TryEnter());
        Assert.True(limiter.TryEnter());
        Assert.False(limiter.TryEnter());
        Assert.Equal(2, limiter.Count);
        limiter.Exit();
        Assert.True(limiter.TryEnter());
    }

    private static UpgradeRequest Request(string requestTarget, params string[] headers)
    {
        var text = $"GET {requestTarget} HTTP/1.1\r\nHost: relay\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n{string.Concat(headers.Select(h => h + "\r\n"))}\r\n";
        Assert.True(UpgradeRequestParser.TryParse(Encoding.ASCII.GetBytes(text), out var request, out var failure, out _));
        Assert.Equal(HandshakeFailure.None, failure);
        return request!;
    }
}
