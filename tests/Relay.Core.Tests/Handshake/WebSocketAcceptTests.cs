using Relay.Core.Handshake;

namespace Relay.Core.Tests.Handshake;

public class WebSocketAcceptTests
{
    [Fact]
    public void Compute_Rfc6455SampleKey_ReturnsSampleAccept()
    {
        // RFC 6455 §1.3: "dGhlIHNhbXBsZSBub25jZQ==" answers "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketAccept.Compute("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    [Fact]
    public void Compute_DifferentKeys_DifferentAccepts()
    {
        Assert.NotEqual(WebSocketAccept.Compute("dGhlIHNhbXBsZSBub25jZQ=="), WebSocketAccept.Compute("AAAAAAAAAAAAAAAAAAAAAA=="));
    }

    [Theory]
    [InlineData("dGhlIHNhbXBsZSBub25jZQ==")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("/////////////////////w==")]
    public void IsValidKey_Base64Of16Bytes_True(string key) => Assert.True(WebSocketAccept.IsValidKey(key));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("dGhlIHNhbXBsZSBub25jZQ=")]     // 23 characters
    [InlineData("dGhlIHNhbXBsZSBub25jZQ===")]   // 25 characters
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAA")]    // 24 characters, but 18 bytes
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAA=")]    // 24 characters, but 17 bytes
    [InlineData("dGhlIHNhbXBsZSBub25jZQ!!")]    // not base64
    [InlineData("dGhlIHNhbXBsZSBub25jZQ=A")]    // padding in the middle
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAA=")] // base64 of 20 bytes
    public void IsValidKey_NotBase64Of16Bytes_False(string? key) => Assert.False(WebSocketAccept.IsValidKey(key));

    [Fact]
    public void NewKey_Fresh_IsValidAndDiffers()
    {
        var first = WebSocketAccept.NewKey();
        var second = WebSocketAccept.NewKey();

        Assert.True(WebSocketAccept.IsValidKey(first));
        Assert.True(WebSocketAccept.IsValidKey(second));
        Assert.NotEqual(first, second);
    }
}
