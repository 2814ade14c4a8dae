using Relay.Core.Hosting;
using Relay.Core.Transport;
using Relay.Testing;

namespace Relay.Core.Tests.Hosting;

public sealed class TargetTests
{
    [Fact]
    public async Task Echo_Connect_ReturnsAFreshEchoEndpointEachTime()
    {
        await using var first = await Target.Echo.ConnectAsync(Loopback.Timeout());
        await using var second = await Target.Echo.ConnectAsync(Loopback.Timeout());

        Assert.IsType<EchoEndpoint>(first);
        Assert.NotSame(first, second);
        Assert.Equal("echo:", Target.Echo.ToString());
        Assert.True(Target.Echo.IsEcho);
        Assert.False(Target.Tcp("127.0.0.1", 1).IsEcho);
    }
}
