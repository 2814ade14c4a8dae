using System.Buffers;
using BenchmarkDotNet.Attributes;
using Relay.Core.Framing;
using Relay.Core.Relaying;

namespace Relay.Benchmarks;

/// <summary>
/// The relay pump over in-memory endpoints (<see cref="MemoryEndpoint"/>): one long-running server-role session per
/// case, started in <see cref="Setup"/>. Each invoke releases <see cref="Messages"/> pre-built masked client frames
/// to the WebSocket side, or as many byte-side chunks, and returns when the session has relayed them all, so the
/// time per operation is the time per message and Allocated is the steady state's allocation per message.
/// </summary>
/// <remarks>
/// The byte side gives one chunk per read and each read becomes one message. One read carries at most
/// <see cref="RelayOptions.BufferSize"/> - 14 bytes (the header room), so the 65,536 case relays 65,522-byte messages
/// to the WebSocket; the MB/s column still divides 65,536 by the time, overstating that one row by 0.02 %.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(MegabytesPerSecondConfig))]
public class PumpBenchmarks
{
    private const int Messages = 1000;
    private const int MaskKey = 0x5A17C0DE;

    private MemoryEndpoint _webSocket = null!;
    private MemoryEndpoint _bytes = null!;
    private Task<SessionResult> _session = null!;
    private int _frameLength;
    private int _chunkLength;
    private long _payloadFed;
    private long _chunksFed;

    /// <summary>Payload bytes per message.</summary>
    [Params(64, 1024, 16384, 65536)]
    public int Size { get; set; }

    /// <summary>
    /// Where the session rents its buffers: ArrayPool&lt;byte&gt;.Shared (the default) or a private
    /// ArrayPool&lt;byte&gt;.Create() (what the allocation test uses).
    /// </summary>
    [Params("shared", "private")]
    public string Pool { get; set; } = "shared";

    [GlobalSetup]
    public void Setup()
    {
        var options = new RelayOptions
        {
            PingInterval = TimeSpan.Zero,
            BufferPool = Pool == "shared" ? ArrayPool<byte>.Shared : ArrayPool<byte>.Create(),
        };

        // WebSocket side: masked binary frames as a client sends them, about 1 MiB of them replayed in a cycle.
        var payload = new byte[Size];
        new Random(42).NextBytes(payload);
        var headerLength = FrameWriter.GetHeaderLength(Size, masked: true);
        var frame = new byte[headerLength + Size];
        FrameWriter.WriteHeader(frame, Opcode.Binary, fin: true, Size, masked: true, MaskKey);
        payload.CopyTo(frame, headerLength);
        Mask.Apply(frame.AsSpan(headerLength), MaskKey, 0);
        _frameLength = frame.Length;
        _webSocket = new MemoryEndpoint(Repeat(frame), int.MaxValue);

        // Byte side: chunks of Size bytes (at most what one read may carry), one per read.
        _chunkLength = Math.Min(Size, options.BufferSize - FrameReader.MaxHeaderLength);
        _bytes = new MemoryEndpoint(Repeat(payload.AsSpan(0, _chunkLength).ToArray()), _chunkLength);

        _session = RelaySession.RunAsync(_webSocket, WebSocketRole.Server, _bytes, ReadOnlyMemory<byte>.Empty, options, CancellationToken.None);

        // One round each way before BenchmarkDotNet's own warm-up: buffers rented, state machines boxed.
        WebSocketToBytes();
        BytesToWebSocket();
        Verify();
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public long WebSocketToBytes()
    {
        _webSocket.Feed((long)Messages * _frameLength);
        _payloadFed += (long)Messages * Size;
        return _bytes.Written;
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public long BytesToWebSocket()
    {
        _bytes.Feed((long)Messages * _chunkLength);
        _chunksFed += Messages;
        return _webSocket.Written;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Verify();
        _webSocket.Complete();
        _bytes.Complete();
        if (!_session.Wait(TimeSpan.FromSeconds(10)))
        {
            throw new InvalidOperationException("The session did not end after EOF on both sides.");
        }
    }

    /// <summary>Outside the measurement: every released byte was read and relayed, and the session is still running.</summary>
    private void Verify()
    {
        var expectedToWebSocket = _chunksFed * (FrameWriter.GetHeaderLength(_chunkLength, masked: false) + _chunkLength);
        if (_session.IsCompleted || _bytes.Written != _payloadFed || _webSocket.Written != expectedToWebSocket)
        {
            throw new InvalidOperationException(
                $"Relayed {_bytes.Written} of {_payloadFed} bytes to the byte side and {_webSocket.Written} of {expectedToWebSocket} to the WebSocket; session completed: {_session.IsCompleted}.");
        }
    }

    private static byte[] Repeat(byte[] unit)
    {
        var count = Math.Max(1, (1 << 20) / unit.Length);
        var buffer = new byte[count * unit.Length];
        for (var i = 0; i < count; i++)
        {
            unit.CopyTo(buffer, i * unit.Length);
        }

        return buffer;
    }
}
