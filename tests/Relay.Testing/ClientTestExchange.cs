using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Relay.Core.Handshake;

namespace Relay.Testing;

/// <summary>One client connection to <see cref="ClientTestServer"/>, its upgrade request read: what the server saw,
/// and the ways to answer it.</summary>
public sealed class ClientTestExchange : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Stream _stream;

    internal ClientTestExchange(Socket socket, Stream stream, HttpHead request, string? clientCertificateThumbprint)
    {
        _socket = socket;
        _stream = stream;
        Request = request;
        ClientCertificateThumbprint = clientCertificateThumbprint;
    }

    /// <summary>The upgrade request: Part1 is the method, Part2 the target; headers by name.</summary>
    public HttpHead Request { get; }

    /// <summary>The thumbprint of the certificate the client presented (mutual TLS), or null.</summary>
    public string? ClientCertificateThumbprint { get; }

    /// <summary>Answers with an HTTP refusal and closes, as a Relay server does (a short text body).</summary>
    public async Task RefuseAsync(int status, string reason, CancellationToken cancellationToken)
    {
        var body = reason + "\n";
        var response = $"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(response), cancellationToken);
        await _stream.FlushAsync(cancellationToken);
        await _stream.DisposeAsync();
    }

    /// <summary>Completes the upgrade and returns a System.Net.WebSockets server over the connection (ws or wss).</summary>
    public async Task<WebSocket> AcceptAsync(CancellationToken cancellationToken, string? subProtocol = null)
    {
        await WriteSwitchingProtocolsAsync(subProtocol, cancellationToken);
        return WebSocket.CreateFromStream(_stream, new WebSocketCreationOptions { IsServer = true, SubProtocol = subProtocol, KeepAliveInterval = Timeout.InfiniteTimeSpan });
    }

    /// <summary>Completes the upgrade and returns a raw frame peer on the socket (ws:// only), to see pings as frames
    /// or to stay silent.</summary>
    public async Task<RawWebSocketPeer> AcceptRawAsync(CancellationToken cancellationToken)
    {
        if (_stream is not NetworkStream)
        {
            throw new InvalidOperationException("a raw peer needs the plain socket: use ws://");
        }

        await WriteSwitchingProtocolsAsync(null, cancellationToken);
        return new RawWebSocketPeer(_socket, isClient: false);
    }

    internal static async Task<HttpHead> ReadHeadAsync(Stream stream, CancellationToken cancellationToken)
    {
        // Byte by byte, so nothing after the head is consumed here.
        var buffer = new byte[16 * 1024];
        var filled = 0;
        while (filled < buffer.Length)
        {
            if (await stream.ReadAsync(buffer.AsMemory(filled, 1), cancellationToken) == 0)
            {
                throw new IOException("the client closed before its upgrade request ended");
            }

            filled++;
            if (HttpHead.FindEnd(buffer.AsSpan(0, filled)) is var end and > 0)
            {
                return HttpHead.TryParse(buffer.AsSpan(0, end)) ?? throw new InvalidDataException("malformed upgrade request");
            }
        }

        throw new InvalidDataException("upgrade request too large");
    }

    private async Task WriteSwitchingProtocolsAsync(string? subProtocol, CancellationToken cancellationToken)
    {
        var accept = WebSocketAccept.Compute(Request["Sec-WebSocket-Key"] ?? string.Empty);
        var response = $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n"
            + (subProtocol is null ? string.Empty : $"Sec-WebSocket-Protocol: {subProtocol}\r\n") + "\r\n";
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(response), cancellationToken);
        await _stream.FlushAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _socket.Dispose();
    }
}
