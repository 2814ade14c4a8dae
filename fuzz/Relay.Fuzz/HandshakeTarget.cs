using Relay.Core.Handshake;

namespace Relay.Fuzz;

/// <summary>
/// The handshake parsers: the server's UpgradeRequestParser and the client's response check (HttpHead, ClientHandshake).
/// Input: one configuration byte (bit 0: 0 = a request to the server, 1 = a response to the client; bit 1: whether the
/// client offered subprotocols; bits 2-7: where to cut), then the bytes the peer sends.
/// </summary>
internal static class HandshakeTarget
{
    // RFC 6455 §1.3's example: this key's accept value is s3pPLMBiTxaQ9kYGzzhZRbK+xOo=.
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";
    private const string Accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    public static void Run(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        var config = input[0];
        var bytes = input[1..];
        var cuts = Cuts.For(config >> 2, bytes.Length);
        if ((config & 1) == 0)
        {
            Server(bytes, cuts);
        }
        else
        {
            Client(bytes, cuts, (config & 2) != 0 ? "chat, superchat" : null);
        }
    }

    private static void Server(byte[] bytes, List<int> cuts)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var whole = ParseRequest(bytes);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Parsing allocates per connection (strings for the head), bounded by what arrived, never by a claimed number.
        if (allocated > 64L * bytes.Length + 64 * 1024)
        {
            throw new InvariantException($"parsing {bytes.Length} bytes allocated {allocated}");
        }

        CheckRequestVerdict(bytes, whole);

        // The forwarder parses again after every read: the first verdict it reaches is the one the whole input gives.
        var filled = 0;
        var incremental = ParseRequest([]);
        foreach (var size in cuts)
        {
            filled = Math.Min(bytes.Length, filled + size);
            incremental = ParseRequest(bytes[..filled]);
            if (incremental.Done || filled == bytes.Length)
            {
                break;
            }
        }

        if (incremental != whole)
        {
            throw new InvariantException($"whole: {whole}; read in pieces {string.Join(',', cuts)}: {incremental} at {filled} bytes");
        }
    }

    private static RequestVerdict ParseRequest(byte[] bytes)
    {
        var done = UpgradeRequestParser.TryParse(bytes, out var request, out var failure, out var consumed);
        return new RequestVerdict(done, failure, consumed, request);
    }

    private static void CheckRequestVerdict(byte[] bytes, RequestVerdict verdict)
    {
        var end = HttpHead.FindEnd(bytes);
        if (!verdict.Done)
        {
            if (verdict.Failure != HandshakeFailure.None || verdict.Request is not null || verdict.Consumed != 0
                || end >= 0 || bytes.Length >= UpgradeRequestParser.MaxHeadLength)
            {
                throw new InvariantException($"waits for more after {bytes.Length} bytes: {verdict}");
            }

            return;
        }

        if (verdict.Failure != HandshakeFailure.None)
        {
            if (verdict.Request is not null)
            {
                throw new InvariantException($"refused with a request: {verdict}");
            }

            return;
        }

        if (verdict.Request is not { } request || verdict.Consumed != end || end > UpgradeRequestParser.MaxHeadLength
            || !WebSocketAccept.IsValidKey(request.Key) || request.Head.Part1 != "GET")
        {
            throw new InvariantException($"accepted: {verdict}, head ends at {end}");
        }

        // What the server answers is what a client accepts.
        var protocol = request.Protocols.Count > 0 ? request.Protocols[0] : null;
        var answer = HttpHead.TryParse(UpgradeResponseWriter.Build(request.Key, protocol));
        var problem = answer is null ? "unparsable" : ClientHandshake.Validate(answer, request.Key, request.Head["Sec-WebSocket-Protocol"]);
        if (problem is not null)
        {
            throw new InvariantException($"the 101 for {verdict} fails the client's check: {problem}");
        }
    }

    private static void Client(byte[] bytes, List<int> cuts, string? protocol)
    {
        var whole = CheckResponse(bytes, protocol);
        var filled = 0;
        var incremental = (End: -1, Problem: (string?)null);
        foreach (var size in cuts)
        {
            filled = Math.Min(bytes.Length, filled + size);
            incremental = CheckResponse(bytes[..filled], protocol);
            if (incremental.End >= 0 || filled == bytes.Length)
            {
                break;
            }
        }

        if (incremental != whole)
        {
            throw new InvariantException($"whole: {whole}; read in pieces {string.Join(',', cuts)}: {incremental}");
        }
    }

    /// <summary>What the client does with a response head (WebSocketConnector), with the invariants of an accepted one.</summary>
    private static (int End, string? Problem) CheckResponse(byte[] bytes, string? protocol)
    {
        var window = bytes.AsSpan(0, Math.Min(bytes.Length, ClientHandshake.MaxResponseHeadLength));
        var end = HttpHead.FindEnd(window);
        if (end < 0)
        {
            return (end, null);
        }

        var head = HttpHead.TryParse(window[..end]);
        if (head is null)
        {
            return (end, "not HTTP");
        }

        var problem = ClientHandshake.Validate(head, Key, protocol);
        if (problem is null && (head.Part2 != "101" || head["Sec-WebSocket-Accept"] != Accept
            || head["Sec-WebSocket-Protocol"] is { } chosen && protocol?.Contains(chosen, StringComparison.Ordinal) != true))
        {
            throw new InvariantException($"accepted a response that is not a valid 101 for the key: {Convert.ToHexString(window[..end])}");
        }

        return (end, problem);
    }
}
