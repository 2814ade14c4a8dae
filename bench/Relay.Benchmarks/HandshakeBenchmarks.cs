using System.Text;
using BenchmarkDotNet.Attributes;
using Relay.Core.Handshake;

namespace Relay.Benchmarks;

/// <summary>
/// The server's parse of a browser's opening handshake. It allocates by design (the head's strings, once per
/// connection; see HttpHead); the allocation budget holds it to today's amount.
/// </summary>
[MemoryDiagnoser]
public class HandshakeBenchmarks
{
    // What Chrome sends for new WebSocket("ws://example.com:8080/chat"), header order and all.
    private static readonly byte[] s_request = Encoding.ASCII.GetBytes(
        "GET /chat HTTP/1.1\r\n" +
        "Host: example.com:8080\r\n" +
        "Connection: Upgrade\r\n" +
        "Pragma: no-cache\r\n" +
        "Cache-Control: no-cache\r\n" +
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36\r\n" +
        "Upgrade: websocket\r\n" +
        "Origin: http://example.com:8080\r\n" +
        "Sec-WebSocket-Version: 13\r\n" +
        "Accept-Encoding: gzip, deflate\r\n" +
        "Accept-Language: en-US,en;q=0.9\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
        "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n" +
        "\r\n");

    private const int Operations = 1000;

    [GlobalSetup]
    public void Setup()
    {
        if (!UpgradeRequestParser.TryParse(s_request, out var request, out _, out _) || request is not { Path: "/chat" })
        {
            throw new InvalidOperationException("The sample request did not parse.");
        }
    }

    /// <summary>
    /// <see cref="Operations"/> parses per invoke, although one is microseconds: the allocation check's short job then
    /// still divides its few kilobytes of process noise (timers, tiering) over thousands of parses.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public int Parse()
    {
        var parsed = 0;
        for (var i = 0; i < Operations; i++)
        {
            if (UpgradeRequestParser.TryParse(s_request, out var request, out _, out _) && request is not null)
            {
                parsed++;
            }
        }

        return parsed;
    }
}
