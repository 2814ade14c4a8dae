using System.Net.Sockets;

namespace Relay.Testing;

/// <summary>Reading helpers for the plain-TCP side of a test.</summary>
public static class SocketExtensions
{
    /// <summary>Reads exactly <paramref name="count"/> bytes.</summary>
    public static async Task<byte[]> ReadExactlyAsync(this Socket socket, int count, CancellationToken cancellationToken = default)
    {
        var buffer = new byte[count];
        var filled = 0;
        while (filled < count)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                throw new EndOfStreamException($"EOF after {filled} of {count} bytes");
            }

            filled += read;
        }

        return buffer;
    }

    /// <summary>Reads until EOF.</summary>
    public static async Task<byte[]> ReadToEndAsync(this Socket socket, CancellationToken cancellationToken = default)
    {
        var data = new MemoryStream();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                return data.ToArray();
            }

            data.Write(buffer, 0, read);
        }
    }

    /// <summary>Sends everything.</summary>
    public static async Task SendAllAsync(this Socket socket, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        while (!bytes.IsEmpty)
        {
            var sent = await socket.SendAsync(bytes, SocketFlags.None, cancellationToken);
            bytes = bytes[sent..];
        }
    }

    /// <summary>Reads until EOF, treating a reset (an aborted leg) as the end too.</summary>
    public static async Task<byte[]> ReadToEndAsyncOrReset(this Socket socket, CancellationToken cancellationToken = default)
    {
        try
        {
            return await socket.ReadToEndAsync(cancellationToken);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            return [];
        }
    }
}
