using System.Text;

namespace Relay.Core.Hosting;

/// <summary>
/// One answer of the health and metrics endpoint. Every answer closes the connection (<c>Connection: close</c>):
/// a scrape every few seconds does not need keep-alive, and one request per connection keeps each connection's
/// size and time bounds simple.
/// </summary>
internal readonly record struct MetricsResponse(int Status, string Reason, string ContentType, ReadOnlyMemory<byte> Body, string? Allow = null)
{
    public const string TextContentType = "text/plain; charset=utf-8";

    /// <summary>The Prometheus text exposition format, version 0.0.4.</summary>
    public const string PrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static MetricsResponse Text(int status, string reason, string body) =>
        new(status, reason, TextContentType, Encoding.UTF8.GetBytes(body + "\n"));

    /// <summary>The response as bytes on the wire; a HEAD answer carries the GET answer's headers and no body.</summary>
    public byte[] Serialize(bool includeBody)
    {
        var allow = Allow is null ? string.Empty : $"Allow: {Allow}\r\n";
        var head = $"HTTP/1.1 {Status} {Reason}\r\nContent-Type: {ContentType}\r\nContent-Length: {Body.Length}\r\nCache-Control: no-store\r\nConnection: close\r\n{allow}\r\n";
        var headLength = Encoding.ASCII.GetByteCount(head);
        var bytes = new byte[headLength + (includeBody ? Body.Length : 0)];
        Encoding.ASCII.GetBytes(head, bytes);
        if (includeBody)
        {
            Body.Span.CopyTo(bytes.AsSpan(headLength));
        }

        return bytes;
    }
}
