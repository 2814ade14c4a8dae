using System.Text;
using CsCheck;
using Relay.Core.Handshake;

namespace Relay.Core.Tests.Handshake;

/// <summary>
/// Property tests of the handshake parsers (issue 4): random heads, and valid heads cut anywhere, including between
/// the CR and the LF of a line end. The fuzzer (fuzz/) checks the same invariants coverage-guided.
/// </summary>
public class HandshakePropertyTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";
    private const string Accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    /// <summary>Pieces of request and response heads, so that random heads get past the first checks now and then.</summary>
    private static readonly Gen<string> s_token = Gen.OneOf(
        "GET", "POST", " ", "/", "/chat", "HTTP/1.1", "HTTP/1.0", "\r\n", "\r", "\n", ":", ": ", ",", "\t", "Host", "h",
        "Upgrade", "websocket", "Connection", "keep-alive", "Sec-WebSocket-Key", Key, "AAAA", "Sec-WebSocket-Version", "13",
        "Sec-WebSocket-Protocol", "chat", "Sec-WebSocket-Accept", Accept, "101", "400", "Switching Protocols", "\u00E9", "\0");

    private static readonly Gen<byte[]> s_headLike = Gen.Frequency(
        (3, s_token.Array[0, 40].Select(parts => Encoding.UTF8.GetBytes(string.Concat(parts)))),
        (1, Gen.Byte.Array[0, 60]));

    private static readonly Gen<int[]> s_cuts = Gen.Frequency((4, Gen.Int[0, 8]), (1, Gen.Int[0, 100])).Array[0, 40];

    private static readonly Gen<string> s_headerName = Gen.String[Gen.Char['a', 'z'], 1, 12].Select(name => "X-" + name);
    private static readonly Gen<string> s_headerValue = Gen.String[Gen.Char[' ', '~'], 0, 30];

    [Fact]
    public void TryParse_RandomHead_NeverThrowsAndVerdictConsistent()
    {
        s_headLike.Sample(bytes =>
        {
            var done = UpgradeRequestParser.TryParse(bytes, out var request, out var failure, out var consumed);

            var end = HttpHead.FindEnd(bytes);
            if (!done)
            {
                Assert.Equal(HandshakeFailure.None, failure);
                Assert.True(end < 0);
            }
            else if (failure == HandshakeFailure.None)
            {
                Assert.NotNull(request);
                Assert.Equal(end, consumed);
                Assert.True(WebSocketAccept.IsValidKey(request.Key));
            }
            else
            {
                Assert.Null(request);
            }

            Assert.True(request is not null || consumed == 0 || failure != HandshakeFailure.None);
        }, iter: 5000);
    }

    [Fact]
    public void TryParse_ValidHeadCutAnywhere_FirstVerdictIsTheWholeOnes()
    {
        var requests = Gen.Select(Gen.String[Gen.Char['a', 'z'], 0, 10], Gen.Select(s_headerName, s_headerValue).Array[0, 5], Gen.Byte.Array[0, 8],
            (path, extra, pipelined) =>
            {
                var lines = new List<string> { $"GET /{path} HTTP/1.1", "Host: h", "Upgrade: websocket", "Connection: Upgrade", $"Sec-WebSocket-Key: {Key}", "Sec-WebSocket-Version: 13" };
                lines.InsertRange(2, extra.Select(h => $"{h.Item1}: {h.Item2}"));
                return Encoding.ASCII.GetBytes(string.Join("\r\n", lines) + "\r\n\r\n").Concat(pipelined).ToArray();
            });
        Gen.Select(requests, s_cuts, Gen.Bool).Sample((bytes, cuts, cutAtCr) =>
        {
            Assert.True(UpgradeRequestParser.TryParse(bytes, out var whole, out var wholeFailure, out var wholeConsumed));
            Assert.Equal(HandshakeFailure.None, wholeFailure);
            Assert.NotNull(whole);

            // Read as the forwarder does: parse again after every read; with cutAtCr every read ends between CR and LF.
            foreach (var filled in cutAtCr ? CrPositions(bytes) : Prefixes(bytes.Length, cuts))
            {
                if (UpgradeRequestParser.TryParse(bytes.AsSpan(0, filled), out var request, out var failure, out var consumed))
                {
                    Assert.Equal(HandshakeFailure.None, failure);
                    Assert.Equal(wholeConsumed, consumed);
                    Assert.Equal(whole.Path, request!.Path);
                    Assert.Equal(whole.Head.Headers, request.Head.Headers);
                    return;
                }

                Assert.True(filled < wholeConsumed, $"no verdict with the whole head in ({filled} of {wholeConsumed} bytes)");
            }

            Assert.Fail("the whole head never parsed");
        }, iter: 1000);
    }

    [Fact]
    public void ClientResponse_RandomHead_NeverThrowsAndAcceptsOnlyA101ForTheKey()
    {
        Gen.Select(s_headLike, Gen.Bool).Sample((bytes, offered) =>
        {
            var end = HttpHead.FindEnd(bytes);
            if (end < 0)
            {
                return;
            }

            var head = HttpHead.TryParse(bytes.AsSpan(0, end));
            if (head is null)
            {
                return;
            }

            var problem = ClientHandshake.Validate(head, Key, offered ? "chat" : null);
            if (problem is null)
            {
                Assert.Equal("101", head.Part2);
                Assert.Equal(Accept, head["Sec-WebSocket-Accept"]);
            }
        }, iter: 5000);
    }

    [Fact]
    public void ClientResponse_Valid101CutAnywhere_AcceptedOnceWhole()
    {
        var responses = Gen.Select(Gen.Select(s_headerName, s_headerValue).Array[0, 5], Gen.Byte.Array[0, 8], (extra, frames) =>
        {
            var lines = new List<string> { "HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade", $"Sec-WebSocket-Accept: {Accept}" };
            lines.AddRange(extra.Select(h => $"{h.Item1}: {h.Item2}"));
            return (Head: Encoding.ASCII.GetBytes(string.Join("\r\n", lines) + "\r\n\r\n"), Frames: frames);
        });
        Gen.Select(responses, s_cuts).Sample((response, cuts) =>
        {
            var bytes = response.Head.Concat(response.Frames).ToArray();
            foreach (var filled in Prefixes(bytes.Length, cuts))
            {
                var end = HttpHead.FindEnd(bytes.AsSpan(0, filled));
                if (end >= 0)
                {
                    Assert.Equal(response.Head.Length, end);
                    var head = HttpHead.TryParse(bytes.AsSpan(0, end));
                    Assert.NotNull(head);
                    Assert.Null(ClientHandshake.Validate(head, Key, null));
                    return;
                }
            }

            Assert.Fail("the whole head was never found");
        }, iter: 1000);
    }

    /// <summary>The lengths a reader has after each read, for reads of the given sizes, ending with the whole.</summary>
    private static IEnumerable<int> Prefixes(int length, int[] sizes)
    {
        var filled = 0;
        foreach (var size in sizes)
        {
            filled = Math.Min(length, filled + size);
            yield return filled;
        }

        yield return length;
    }

    /// <summary>Every read ends just after a CR (inside a CRLF), then the whole.</summary>
    private static IEnumerable<int> CrPositions(byte[] bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '\r')
            {
                yield return i + 1;
            }
        }

        yield return bytes.Length;
    }
}
