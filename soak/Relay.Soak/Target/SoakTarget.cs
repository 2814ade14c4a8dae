using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Relay.Soak.Target;

/// <summary>
/// The in-process TCP listener that is the far end of every session: it reads the <see cref="Preamble"/>, then plays
/// the mode it names (<see cref="TargetMode"/>) and reports to <see cref="TargetRegistry"/>.
/// </summary>
public sealed class SoakTarget : IAsyncDisposable
{
    private const int ChunkSize = 64 * 1024;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly int _seedKey;
    private Task _acceptLoop = Task.CompletedTask;
    private long _open;
    private long _bytesWritten;

    public SoakTarget(TargetRegistry registry, int seedKey)
    {
        Registry = registry;
        _seedKey = seedKey;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(1024);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
    }

    public int Port { get; }

    public TargetRegistry Registry { get; }

    /// <summary>Connections accepted and not yet closed.</summary>
    public long OpenConnections => Interlocked.Read(ref _open);

    /// <summary>Payload the target wrote (Echo, Source, ResetAfter, HalfCloseThenSink).</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>The pattern key of a session: its id mixed with the run's seed.</summary>
    public static long KeyOf(int seed, long sessionId) => sessionId ^ ((long)seed << 40);

    public void Start() => _acceptLoop = AcceptLoopAsync();

    /// <summary>Waits up to <paramref name="bound"/> for every accepted connection to be closed; returns how many are
    /// still open (0 when all were). Polls: a connection's end is the relay's doing, with no event to await here.</summary>
    public async Task<long> WaitIdleAsync(TimeSpan bound)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (OpenConnections > 0 && clock.Elapsed < bound)
        {
            await Task.Delay(100);
        }

        return OpenConnections;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            socket.NoDelay = true;
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        Interlocked.Increment(ref _open);
        var buffer = new byte[ChunkSize];
        try
        {
            var filled = 0;
            while (filled < Preamble.Length)
            {
                var read = await ReceiveAsync(socket, buffer.AsMemory(filled));
                if (read <= 0)
                {
                    return; // a probe or a session that vanished before its preamble
                }

                filled += read;
            }

            if (!Preamble.TryParse(buffer, out var preamble))
            {
                return;
            }

            var leftover = buffer.AsMemory(Preamble.Length, filled - Preamble.Length);
            await PlayAsync(socket, preamble, buffer, leftover);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The relay reset the leg while we were writing: the session's report (if any) was already sent or says so.
        }
        finally
        {
            socket.Dispose();
            Interlocked.Decrement(ref _open);
        }
    }

    private async Task PlayAsync(Socket socket, Preamble preamble, byte[] buffer, ReadOnlyMemory<byte> leftover)
    {
        var key = KeyOf(_seedKey, preamble.SessionId);
        switch (preamble.Mode)
        {
            case TargetMode.Echo:
                if (!leftover.IsEmpty)
                {
                    await SendAsync(socket, leftover.ToArray());
                }

                var echoed = await ReadToEndAsync(socket, buffer, leftover, echo: true);
                Registry.Complete(preamble.SessionId, echoed);
                Shutdown(socket);
                break;

            case TargetMode.Sink:
            case TargetMode.Hold:
                Registry.Complete(preamble.SessionId, await ReadToEndAsync(socket, buffer, leftover, echo: false));
                break;

            case TargetMode.Source:
                await SendPatternAsync(socket, key, preamble.Parameter);
                Shutdown(socket);
                Registry.Complete(preamble.SessionId, await ReadToEndAsync(socket, buffer, leftover, echo: false));
                break;

            case TargetMode.SinkThenReply:
                var sunk = await ReadToEndAsync(socket, buffer, leftover, echo: false);
                if (!sunk.Reset)
                {
                    await SendAsync(socket, sunk.Sha256);
                    Shutdown(socket);
                }

                Registry.Complete(preamble.SessionId, sunk);
                break;

            case TargetMode.ResetAfter:
                await SendPatternAsync(socket, key, preamble.Parameter);
                socket.LingerState = new LingerOption(true, 0); // close now sends RST, dropping whatever is unsent
                Registry.Complete(preamble.SessionId, new TargetReport(0, [], false, null));
                break;

            case TargetMode.HalfCloseThenSink:
                await SendPatternAsync(socket, key, preamble.Parameter);
                Shutdown(socket);
                Registry.Complete(preamble.SessionId, await ReadToEndAsync(socket, buffer, leftover, echo: false));
                break;
        }
    }

    /// <summary>Reads until EOF (or a reset), hashing what arrives and echoing it when asked.</summary>
    private async Task<TargetReport> ReadToEndAsync(Socket socket, byte[] buffer, ReadOnlyMemory<byte> leftover, bool echo)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(leftover.Span);
        var total = (long)leftover.Length;
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, _stopping.Token);
                if (read == 0)
                {
                    return new TargetReport(total, hash.GetHashAndReset(), false, null);
                }

                total += read;
                hash.AppendData(buffer.AsSpan(0, read));
                if (echo)
                {
                    await SendAsync(socket, buffer.AsMemory(0, read));
                }
            }
        }
        catch (SocketException ex)
        {
            return new TargetReport(total, hash.GetHashAndReset(), true, ex.SocketErrorCode.ToString());
        }
    }

    private async Task SendPatternAsync(Socket socket, long key, long count)
    {
        var chunk = new byte[ChunkSize];
        for (long offset = 0; offset < count;)
        {
            var take = (int)Math.Min(chunk.Length, count - offset);
            SessionPattern.Fill(key, offset, chunk.AsSpan(0, take));
            await SendAsync(socket, chunk.AsMemory(0, take));
            offset += take;
        }
    }

    private async Task SendAsync(Socket socket, ReadOnlyMemory<byte> data)
    {
        while (!data.IsEmpty)
        {
            var sent = await socket.SendAsync(data, SocketFlags.None, _stopping.Token);
            data = data[sent..];
            Interlocked.Add(ref _bytesWritten, sent);
        }
    }

    private async Task<int> ReceiveAsync(Socket socket, Memory<byte> buffer)
    {
        try
        {
            return await socket.ReceiveAsync(buffer, SocketFlags.None, _stopping.Token);
        }
        catch (SocketException)
        {
            return -1;
        }
    }

    private static void Shutdown(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // Already reset by the relay: nothing left to half-close.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Dispose();
        await _acceptLoop;
        _stopping.Dispose();
    }
}
