using System.Security.Cryptography;
using Relay.Core.Framing;
using Relay.Core.Relaying;
using Relay.Core.Transport;
using Relay.Testing;

namespace Relay.Core.Tests.Relaying;

/// <summary>
/// A direction whose reads and writes never wait must still give its thread back: with inline socket completions
/// that thread is a socket engine's event thread, shared by every session on that engine (<see cref="BusyTurns"/>).
/// </summary>
public sealed class RelaySessionFairnessTests
{
    private const long SourceLimit = 4L << 30;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Pump_EndlessSynchronousStream_GivesTheCallingThreadBack(bool fromWebSocket)
    {
        var timeout = Loopback.Timeout(60);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(timeout);
        var payload = RandomNumberGenerator.GetBytes(16 * 1024);
        var source = fromWebSocket ? new UnwaitingEndpoint(RawWebSocketPeer.Frame(Opcode.Binary, payload, fin: true, masked: true), SourceLimit) : new UnwaitingEndpoint(payload, SourceLimit);
        var idle = new IdleEndpoint();
        var options = new RelayOptions { PingInterval = TimeSpan.Zero };

        // The calling thread runs the session until its first real wait. The idle side waits at once; the endless
        // side never does, so without a yield this call would return only after the whole 4 GiB.
        var session = fromWebSocket
            ? RelaySession.RunAsync(source, WebSocketRole.Server, idle, ReadOnlyMemory<byte>.Empty, options, stop.Token)
            : RelaySession.RunAsync(idle, WebSocketRole.Server, source, ReadOnlyMemory<byte>.Empty, options, stop.Token);
        var readWhenReturned = source.BytesRead;

        Assert.True(readWhenReturned > 0, "the session read nothing before returning");
        Assert.True(readWhenReturned < SourceLimit, $"the session kept the calling thread for all {readWhenReturned} bytes");
        Assert.True(idle.BytesWritten > 0, "nothing was relayed before the yield");

        await stop.CancelAsync();
        await session.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
    }

    /// <summary>Reads that complete at once, replaying <paramref name="pattern"/> up to a limit, then EOF; writes discarded.</summary>
    private sealed class UnwaitingEndpoint(byte[] pattern, long limit) : ByteEndpoint
    {
        private int _position;
        private long _read;

        public long BytesRead => Volatile.Read(ref _read);

        public override bool SupportsZeroByteReads => true;

        public override ValueTask<int> WaitForDataAsync(CancellationToken cancellationToken) => new(_read < limit ? 1 : 0);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            var count = (int)Math.Min(Math.Min(buffer.Length, pattern.Length - _position), limit - _read);
            pattern.AsSpan(_position, count).CopyTo(buffer.Span);
            _position = (_position + count) % pattern.Length;
            Volatile.Write(ref _read, _read + count);
            return new(count);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public override ValueTask ShutdownSendAsync() => ValueTask.CompletedTask;

        public override void Abort()
        {
        }

        protected override ValueTask DisposeCoreAsync() => ValueTask.CompletedTask;
    }

    /// <summary>Nothing ever arrives (reads wait until cancelled); writes complete at once and are counted.</summary>
    private sealed class IdleEndpoint : ByteEndpoint
    {
        private long _written;

        public long BytesWritten => Interlocked.Read(ref _written);

        public override bool SupportsZeroByteReads => true;

        public override ValueTask<int> WaitForDataAsync(CancellationToken cancellationToken) => WaitForeverAsync(cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) => WaitForeverAsync(cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
        {
            Interlocked.Add(ref _written, buffer.Length);
            return ValueTask.CompletedTask;
        }

        public override ValueTask ShutdownSendAsync() => ValueTask.CompletedTask;

        public override void Abort()
        {
        }

        protected override ValueTask DisposeCoreAsync() => ValueTask.CompletedTask;

        private static async ValueTask<int> WaitForeverAsync(CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            return 0;
        }
    }
}
