using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using Relay.Core.Framing;

namespace Relay.Testing;

/// <summary>One frame as a raw peer saw it: header bits and the unmasked payload.</summary>
public sealed record RawFrame(bool Fin, Opcode Opcode, bool Masked, byte[] Payload)
{
    /// <summary>The close code of a Close frame (1005 when it carries none).</summary>
    public ushort CloseCode => Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(Payload) : CloseStatus.NoStatusReceived;
}

/// <summary>
/// A WebSocket peer on a raw socket that can send any byte sequence and reads frames exactly as they arrive
/// (after the opening handshake, which the test does itself or skips). Masks what it sends when it plays the client.
/// </summary>
public sealed class RawWebSocketPeer : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly bool _isClient;
    private byte[] _buffer = new byte[256 * 1024];
    private int _start;
    private int _end;

    public RawWebSocketPeer(Socket socket, bool isClient)
    {
        _socket = socket;
        _isClient = isClient;
    }

    public Socket Socket => _socket;

    /// <summary>Whether this peer plays the client (and so masks what it sends and expects unmasked frames).</summary>
    public bool IsClient => _isClient;

    /// <summary>Sends bytes exactly as given.</summary>
    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        while (!bytes.IsEmpty)
        {
            var sent = await _socket.SendAsync(bytes, SocketFlags.None, cancellationToken);
            bytes = bytes[sent..];
        }
    }

    /// <summary>Builds one frame as this peer would send it (masked when client, unless <paramref name="mask"/> overrides).</summary>
    public byte[] BuildFrame(Opcode opcode, ReadOnlySpan<byte> payload, bool fin = true, bool? mask = null) =>
        Frame(opcode, payload, fin, mask ?? _isClient);

    /// <summary>Builds one frame, masked with a fresh random key when <paramref name="masked"/>.</summary>
    public static byte[] Frame(Opcode opcode, ReadOnlySpan<byte> payload, bool fin, bool masked)
    {
        var key = masked ? RandomNumberGenerator.GetInt32(int.MinValue, int.MaxValue) : 0;
        var headerLength = FrameWriter.GetHeaderLength(payload.Length, masked);
        var frame = new byte[headerLength + payload.Length];
        FrameWriter.WriteHeader(frame, opcode, fin, payload.Length, masked, key);
        payload.CopyTo(frame.AsSpan(headerLength));
        if (masked)
        {
            Mask.ApplyScalar(frame.AsSpan(headerLength), key, 0);
        }

        return frame;
    }

    public Task SendFrameAsync(Opcode opcode, ReadOnlySpan<byte> payload, bool fin = true, bool? mask = null, CancellationToken cancellationToken = default) =>
        SendRawAsync(BuildFrame(opcode, payload, fin, mask), cancellationToken);

    /// <summary>Sends a Close with a code and an optional reason.</summary>
    public Task SendCloseAsync(ushort code, string reason = "", CancellationToken cancellationToken = default)
    {
        var payload = new byte[2 + System.Text.Encoding.UTF8.GetByteCount(reason)];
        BinaryPrimitives.WriteUInt16BigEndian(payload, code);
        System.Text.Encoding.UTF8.GetBytes(reason, payload.AsSpan(2));
        return SendFrameAsync(Opcode.Close, payload, cancellationToken: cancellationToken);
    }

    /// <summary>Reads the next whole frame, or null at EOF. Checks that the relay masked exactly when it should.</summary>
    public async Task<RawFrame?> ReadFrameAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var role = _isClient ? WebSocketRole.Client : WebSocketRole.Server;
            var status = FrameReader.TryReadHeader(_buffer.AsSpan(_start, _end - _start), role, out var header, out var code);
            if (status == FrameReadStatus.ProtocolError)
            {
                throw new InvalidDataException($"the relay sent a frame that breaks RFC 6455 (would close with {code})");
            }

            if (status == FrameReadStatus.Header && _end - _start >= header.HeaderLength + header.PayloadLength)
            {
                var payload = _buffer.AsSpan(_start + header.HeaderLength, (int)header.PayloadLength).ToArray();
                if (header.Masked)
                {
                    Mask.ApplyScalar(payload, header.MaskKey, 0);
                }

                _start += header.HeaderLength + (int)header.PayloadLength;
                return new RawFrame(header.Fin, header.Opcode, header.Masked, payload);
            }

            if (status == FrameReadStatus.Header && header.HeaderLength + header.PayloadLength > _buffer.Length)
            {
                Array.Resize(ref _buffer, (int)(header.HeaderLength + header.PayloadLength));
            }

            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                return _end > _start ? throw new InvalidDataException("EOF inside a frame") : null;
            }

            _end += read;
        }
    }

    /// <summary>Reads data frames until <paramref name="count"/> payload bytes have arrived; answers nothing.</summary>
    public async Task<byte[]> ReadDataAsync(int count, CancellationToken cancellationToken = default)
    {
        var data = new MemoryStream();
        while (data.Length < count)
        {
            var frame = await ReadFrameAsync(cancellationToken) ?? throw new EndOfStreamException($"EOF after {data.Length} of {count} bytes");
            if (frame.Opcode is Opcode.Binary or Opcode.Text or Opcode.Continuation)
            {
                data.Write(frame.Payload);
            }
            else if (frame.Opcode == Opcode.Close)
            {
                throw new InvalidDataException($"Close {frame.CloseCode} after {data.Length} of {count} bytes");
            }
        }

        return data.ToArray();
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
