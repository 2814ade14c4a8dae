using System.Buffers;
using Relay.Core.Framing;

namespace Relay.Core.Relaying;

/// <summary>How a session relays: buffer sizes, message type, EOF rule, keepalive. One place for the defaults.</summary>
public sealed record RelayOptions
{
    /// <summary>websocat's default -B: one read from the byte side, frame header included, and one WebSocket read.</summary>
    public const int DefaultBufferSize = 65536;

    /// <summary>Smallest -B that leaves room for a header and a useful payload.</summary>
    public const int MinBufferSize = 256;

    /// <summary>
    /// Per-direction buffer in bytes (-B). The byte side reads at most this minus the 14 bytes kept in front for the
    /// frame header, so a 64 KiB buffer stays in the 64 KiB pool bucket instead of doubling to the next one.
    /// </summary>
    public int BufferSize { get; init; } = DefaultBufferSize;

    /// <summary>Opcode of the messages made from byte-side reads: Binary (-b, the default) or Text (-t).</summary>
    public Opcode MessageType { get; init; } = Opcode.Binary;

    /// <summary>-E: the first EOF in either direction ends the session (after flushing what is on its way).</summary>
    public bool ExitOnEof { get; init; }

    /// <summary>How long the side that did not end first gets to finish once a close has started (DESIGN.md §3).</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A ping goes out after this long without inbound traffic; zero turns pings off. Default 25 s, below the
    /// 60 s idle cut of common proxies and load balancers.</summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(25);

    /// <summary>A session whose peer stays silent this long after a ping went out (or, with pings off, this long in
    /// all) is ended; zero means never.</summary>
    public TimeSpan PingTimeout { get; init; } = TimeSpan.Zero;

    /// <summary>A session with no data in either direction for this long is closed with 1001; zero means never.
    /// Pings and pongs are not data: a keepalive does not keep an idle session open.</summary>
    public TimeSpan IdleTimeout { get; init; }

    /// <summary>Largest incoming message in bytes before the session answers 1009; zero means unlimited.</summary>
    public long MaxMessageSize { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// A deliberate busy delay after every message in each direction, zero in normal use. It exists so the benchmark
    /// gate can prove it catches a slowdown (the CLI sets it from RELAY_INJECT_DELAY_US); it costs one comparison.
    /// </summary>
    public TimeSpan InjectedDelayPerMessage { get; init; }

    /// <summary>Where the directions rent their buffers; tests pass a pool that tracks every rent and return.</summary>
    public ArrayPool<byte> BufferPool { get; init; } = ArrayPool<byte>.Shared;

    /// <summary>The most payload one byte-side read may bring, after the header room.</summary>
    internal int MaxPayloadPerRead => BufferSize - FrameReader.MaxHeaderLength;
}
