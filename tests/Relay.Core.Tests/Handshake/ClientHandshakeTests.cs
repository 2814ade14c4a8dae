using System.Text;
using Relay.Core.Handshake;

namespace Relay.Core.Tests.Handshake;

public class ClientHandshakeTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";

    [Theory]
    [InlineData(null)]
    [InlineData("chat")]
    public void Validate_ResponseFromUpgradeResponseWriter_Null(string? protocol)
    {
        var response = Parse(UpgradeResponseWriter.Build(Key, protocol));

        Assert.Null(ClientHandshake.Validate(response, Key, protocol is null ? null : "superchat, chat"));
    }

    [Fact]
    public void Validate_FreshKeyRoundTrip_Null()
    {
        var key = WebSocketAccept.NewKey();

        Assert.Null(ClientHandshake.Validate(Parse(UpgradeResponseWriter.Build(key, null)), key, null));
    }

    [Theory]
    [InlineData("HTTP/1.1 403 Forbidden", "403")]
    [InlineData("HTTP/1.1 200 OK", "200")]
    [InlineData("HTTP/1.0 302 Found", "302")]
    public void Validate_Non101Status_ErrorNamesStatus(string statusLine, string status)
    {
        var response = Parse(statusLine, "Content-Length: 0");

        var error = ClientHandshake.Validate(response, Key, null);

        Assert.NotNull(error);
        Assert.Contains(status, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HandshakeFailure.UnsupportedVersion, "426")]
    [InlineData(HandshakeFailure.AtCapacity, "503")]
    public void Validate_RelayRefusal_ErrorNamesStatus(HandshakeFailure failure, string status)
    {
        var bytes = HttpRefusal.Build(failure);
        var response = HttpHead.TryParse(bytes.AsSpan(0, HttpHead.FindEnd(bytes)));
        Assert.NotNull(response);

        var error = ClientHandshake.Validate(response, Key, null);

        Assert.NotNull(error);
        Assert.Contains(status, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NotHttp_Error()
    {
        Assert.NotNull(ClientHandshake.Validate(Parse("ICY 101 Switching"), Key, null));
    }

    [Fact]
    public void Validate_AcceptForOtherKey_Error()
    {
        var response = Parse(UpgradeResponseWriter.Build("AAAAAAAAAAAAAAAAAAAAAA==", null));

        var error = ClientHandshake.Validate(response, Key, null);

        Assert.NotNull(error);
        Assert.Contains("Accept", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AcceptMissing_Error()
    {
        var response = Parse("HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade");

        Assert.NotNull(ClientHandshake.Validate(response, Key, null));
    }

    [Theory]
    [InlineData("Connection: Upgrade")] // no Upgrade header
    [InlineData("Upgrade: h2c", "Connection: Upgrade")]
    [InlineData("Upgrade: websocket")] // no Connection header
    public void Validate_UpgradeOrConnectionMissing_Error(params string[] headers)
    {
        var response = Parse("HTTP/1.1 101 Switching Protocols", [.. headers, $"Sec-WebSocket-Accept: {WebSocketAccept.Compute(Key)}"]);

        var error = ClientHandshake.Validate(response, Key, null);

        Assert.NotNull(error);
        Assert.Contains("Upgrade", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("superchat")]
    [InlineData("chat2, xchat")]
    public void Validate_SubprotocolNotOffered_Error(string? requested)
    {
        var response = Parse(UpgradeResponseWriter.Build(Key, "chat"));

        var error = ClientHandshake.Validate(response, Key, requested);

        Assert.NotNull(error);
        Assert.Contains("chat", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ws://example.com/chat?room=1", "example.com", "/chat?room=1")]
    [InlineData("ws://example.com", "example.com", "/")]
    [InlineData("ws://example.com:80/", "example.com", "/")]
    [InlineData("ws://example.com:8080/a", "example.com:8080", "/a")]
    [InlineData("wss://example.com/", "example.com", "/")]
    [InlineData("wss://example.com:443/", "example.com", "/")]
    [InlineData("wss://example.com:80/", "example.com:80", "/")]
    [InlineData("ws://127.0.0.1:9000/x", "127.0.0.1:9000", "/x")]
    [InlineData("ws://[::1]/", "[::1]", "/")]
    [InlineData("ws://[::1]:9000/x", "[::1]:9000", "/x")]
    [InlineData("wss://[2001:db8::7]:8443/", "[2001:db8::7]:8443", "/")]
    public void BuildRequest_Uri_HostWithPortWhenNotDefaultAndPathParsesBack(string uri, string host, string path)
    {
        var bytes = ClientHandshake.BuildRequest(new Uri(uri), Key, [], protocol: null, origin: null);

        var done = UpgradeRequestParser.TryParse(bytes, out var request, out var failure, out var consumed);

        Assert.True(done);
        Assert.Equal(HandshakeFailure.None, failure);
        Assert.NotNull(request);
        Assert.Equal(bytes.Length, consumed);
        Assert.Equal(host, request.Head["Host"]);
        Assert.Equal(path, request.Path);
        Assert.Single(request.Head.Headers, h => h.Key == "Host");
    }

    [Fact]
    public void BuildRequest_WithProtocolOriginAndHeaders_CarriesThemAndParsesBack()
    {
        var key = WebSocketAccept.NewKey();
        KeyValuePair<string, string>[] headers = [new("Authorization", "Bearer abc"), new("X-Trace", "1, 2")];

        var bytes = ClientHandshake.BuildRequest(new Uri("ws://relay.example:8080/tunnel"), key, headers, "chat, superchat", "https://app.example");
        var done = UpgradeRequestParser.TryParse(bytes, out var request, out var failure, out var consumed);

        Assert.True(done);
        Assert.Equal(HandshakeFailure.None, failure);
        Assert.NotNull(request);
        Assert.Equal(bytes.Length, consumed);
        Assert.Equal("/tunnel", request.Path);
        Assert.Equal(key, request.Key);
        Assert.Equal("13", request.Head["Sec-WebSocket-Version"]);
        Assert.Equal("relay.example:8080", request.Head["Host"]);
        Assert.Equal(["chat", "superchat"], request.Protocols);
        Assert.Equal("https://app.example", request.Head["Origin"]);
        Assert.Equal("Bearer abc", request.Head["Authorization"]);
        Assert.Equal("1, 2", request.Head["X-Trace"]);

        var text = Encoding.ASCII.GetString(bytes);
        Assert.StartsWith("GET /tunnel HTTP/1.1\r\n", text, StringComparison.Ordinal);
        Assert.Contains($"\r\nSec-WebSocket-Key: {key}\r\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildRequest_NoProtocolNoOrigin_OmitsThoseHeaders()
    {
        var bytes = ClientHandshake.BuildRequest(new Uri("ws://h/"), Key, [], protocol: null, origin: null);

        var head = HttpHead.TryParse(bytes);

        Assert.NotNull(head);
        Assert.Null(head["Sec-WebSocket-Protocol"]);
        Assert.Null(head["Origin"]);
    }

    private static HttpHead Parse(byte[] bytes)
    {
        Assert.Equal(bytes.Length, HttpHead.FindEnd(bytes));
        var head = HttpHead.TryParse(bytes);
        Assert.NotNull(head);
        return head;
    }

    private static HttpHead Parse(string statusLine, params string[] headers) =>
        Parse(Encoding.ASCII.GetBytes(statusLine + "\r\n" + string.Concat(headers.Select(line => line + "\r\n")) + "\r\n"));
}
