using System.Text;
using Relay.Core.Handshake;

namespace Relay.Core.Tests.Handshake;

public class HttpRefusalTests
{
    [Theory]
    [InlineData(HandshakeFailure.Malformed, 400)]
    [InlineData(HandshakeFailure.MissingKey, 400)]
    [InlineData(HandshakeFailure.NotUpgrade, 426)]
    [InlineData(HandshakeFailure.UnsupportedVersion, 426)]
    [InlineData(HandshakeFailure.MethodNotAllowed, 405)]
    [InlineData(HandshakeFailure.RequestLineTooLong, 414)]
    [InlineData(HandshakeFailure.HeadersTooLarge, 431)]
    [InlineData(HandshakeFailure.Timeout, 408)]
    [InlineData(HandshakeFailure.TargetUnreachable, 502)]
    [InlineData(HandshakeFailure.AtCapacity, 503)]
    public void Build_EachFailure_ParsableResponseWithStatusAndExactContentLength(HandshakeFailure failure, int status)
    {
        var response = HttpRefusal.Build(failure);

        var end = HttpHead.FindEnd(response);
        Assert.True(end > 0);
        var head = HttpHead.TryParse(response.AsSpan(0, end));
        Assert.NotNull(head);
        Assert.Equal("HTTP/1.1", head.Part1);
        Assert.Equal(status.ToString(System.Globalization.CultureInfo.InvariantCulture), head.Part2);
        Assert.Equal(HttpRefusal.Describe(failure).Reason, head.Part3);
        Assert.Equal((response.Length - end).ToString(System.Globalization.CultureInfo.InvariantCulture), head["Content-Length"]);
        Assert.True(head.HasToken("Connection", "close"));
        Assert.Contains(HttpRefusal.Describe(failure).Body, Encoding.ASCII.GetString(response, end, response.Length - end), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HandshakeFailure.UnsupportedVersion)]
    [InlineData(HandshakeFailure.NotUpgrade)]
    public void Build_VersionOrUpgradeRefusal_AdvertisesVersion13AndWebSocket(HandshakeFailure failure)
    {
        var head = ParseHead(HttpRefusal.Build(failure));

        Assert.Equal("13", head["Sec-WebSocket-Version"]);
        Assert.True(head.HasToken("Upgrade", "websocket"));
    }

    [Fact]
    public void Build_MethodNotAllowed_AllowsGet()
    {
        var head = ParseHead(HttpRefusal.Build(HandshakeFailure.MethodNotAllowed));

        Assert.Equal("GET", head["Allow"]);
        Assert.Null(head["Sec-WebSocket-Version"]);
    }

    [Fact]
    public void Build_EveryFailure_HasDistinctStatusFromSuccess()
    {
        foreach (var failure in Enum.GetValues<HandshakeFailure>())
        {
            var status = HttpRefusal.Describe(failure).Status;

            Assert.InRange(status, 400, 599);
        }
    }

    private static HttpHead ParseHead(byte[] response)
    {
        var end = HttpHead.FindEnd(response);
        Assert.True(end > 0);
        var head = HttpHead.TryParse(response.AsSpan(0, end));
        Assert.NotNull(head);
        return head;
    }
}
