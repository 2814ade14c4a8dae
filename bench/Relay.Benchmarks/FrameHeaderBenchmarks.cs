using System.Buffers;
using BenchmarkDotNet.Attributes;
using Relay.Core.Framing;

namespace Relay.Benchmarks;

/// <summary>
/// The frame header codec: reading 2-, 4- and 10-byte headers (6, 8 and 14 with a mask key) from one span and from a
/// sequence cut in the middle of the header (the stack-copy path), and writing them. A header takes nanoseconds, so
/// each invoke does <see cref="Operations"/> of them (Kestrel's PipeThroughputBenchmark does the same).
/// </summary>
[MemoryDiagnoser]
public class FrameHeaderBenchmarks
{
    private const int Operations = 1000;
    private const int MaskKey = 0x12345678;

    private byte[] _header = [];
    private ReadOnlySequence<byte> _split;
    private readonly byte[] _destination = new byte[FrameReader.MaxHeaderLength];
    private long _payloadLength;
    private WebSocketRole _role;

    /// <summary>Header length without the mask key: 2 (payload ≤ 125), 4 (≤ 65,535) or 10 (larger).</summary>
    [Params(2, 4, 10)]
    public int Length { get; set; }

    /// <summary>Masked headers are what a server reads (RFC 6455 §5.1: clients mask), unmasked what a client reads.</summary>
    [Params(false, true)]
    public bool Masked { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _payloadLength = Length switch { 2 => 100, 4 => 1000, _ => 100_000 };
        _role = Masked ? WebSocketRole.Server : WebSocketRole.Client;
        var header = new byte[FrameWriter.GetHeaderLength(_payloadLength, Masked)];
        FrameWriter.WriteHeader(header, Opcode.Binary, fin: true, _payloadLength, Masked, MaskKey);
        _header = header;
        _split = Segments.Split(header, header.Length / 2);
        if (ReadSpan() != _payloadLength * Operations || ReadSequence() != _payloadLength * Operations)
        {
            throw new InvalidOperationException("The header did not read back.");
        }
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public long ReadSpan()
    {
        var header = _header.AsSpan();
        long sum = 0;
        for (var i = 0; i < Operations; i++)
        {
            FrameReader.TryReadHeader(header, _role, out var frame, out _);
            sum += frame.PayloadLength;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public long ReadSequence()
    {
        long sum = 0;
        for (var i = 0; i < Operations; i++)
        {
            FrameReader.TryReadHeader(_split, _role, out var frame, out _);
            sum += frame.PayloadLength;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public int Write()
    {
        var destination = _destination.AsSpan();
        var sum = 0;
        for (var i = 0; i < Operations; i++)
        {
            sum += FrameWriter.WriteHeader(destination, Opcode.Binary, fin: true, _payloadLength, Masked, MaskKey);
        }

        return sum;
    }
}

/// <summary>Builds multi-segment sequences (the shape a PipeReader hands over when a header straddles two reads).</summary>
internal sealed class Segments : ReadOnlySequenceSegment<byte>
{
    private Segments(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Split(byte[] bytes, int at)
    {
        var first = new Segments(bytes.AsMemory(0, at), 0);
        var second = new Segments(bytes.AsMemory(at), at);
        first.Next = second;
        return new ReadOnlySequence<byte>(first, 0, second, second.Memory.Length);
    }
}
