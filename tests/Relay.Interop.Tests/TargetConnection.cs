using System.Net.Sockets;
using System.Security.Cryptography;

namespace Relay.Interop.Tests;

/// <summary>One connection from the relay to the <see cref="InteropTarget"/>.</summary>
public sealed class TargetConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Task<(long Bytes, string Sha256)> _echoing;

    internal TargetConnection(Socket socket, CancellationToken stopping)
    {
        _socket = socket;
        _socket.NoDelay = true;
        _echoing = EchoAsync(stopping);
    }

    /// <summary>
    /// Completes when the relay's EOF arrived (after the echo of every byte before it and a half-close back), with
    /// the byte count and SHA-256 (hex) of everything the target received.
    /// </summary>
    public async Task<(long Bytes, string Sha256)> EofAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _echoing.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("the target saw no EOF from the relay in time");
        }
    }

    /// <summary>The target ends its side: a FIN to the relay, which should close the WebSocket with 1000.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    private async Task<(long, string)> EchoAsync(CancellationToken stopping)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long total = 0;
        while (true)
        {
            var read = await _socket.ReceiveAsync(buffer, SocketFlags.None, stopping);
            if (read == 0)
            {
                if (_socket.Connected)
                {
                    try
                    {
                        _socket.Shutdown(SocketShutdown.Send);
                    }
                    catch (SocketException)
                    {
                        // The relay is gone already.
                    }
                }

                return (total, InteropPeer.Hex(hash.GetHashAndReset()));
            }

            hash.AppendData(buffer, 0, read);
            total += read;
            var pending = buffer.AsMemory(0, read);
            while (!pending.IsEmpty)
            {
                pending = pending[await _socket.SendAsync(pending, SocketFlags.None, stopping)..];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        try
        {
            await _echoing;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Ended by disposal.
        }
    }
}
