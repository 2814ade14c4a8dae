using Relay.Core.Handshake;

namespace Relay.Core.Tests.Handshake;

public class UpgradeResponseWriterTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";

    [Fact]
    public void Build_Rfc6455SampleKey_Is101WithSampleAccept()
    {
        var response = UpgradeResponseWriter.Build(Key, protocol: null);

        var head = HttpHead.TryParse(response);
        Assert.Equal(response.Length, HttpHead.FindEnd(response)); // the head and nothing after it
        Assert.NotNull(head);
        Assert.Equal("HTTP/1.1", head.Part1);
        Assert.Equal("101", head.Part2);
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", head["Sec-WebSocket-Accept"]);
        Assert.True(head.HasToken("Upgrade", "websocket"));
        Assert.True(head.HasToken("Connection", "Upgrade"));
        Assert.Null(head["Sec-WebSocket-Protocol"]);
    }

    [Fact]
    public void Build_WithProtocol_NamesIt()
    {
        var head = HttpHead.TryParse(UpgradeResponseWriter.Build(Key, "chat"));

        Assert.NotNull(head);
        Assert.Equal("chat", head["Sec-WebSocket-Protocol"]);
    }
}
