using System.Net;
using Relay.Core.Hosting;

namespace Relay.Load;

/// <summary>One load run. <see cref="Url"/> is ws://, wss:// or tcp:// (raw TCP, for unframed baselines like socat).</summary>
public sealed record LoadOptions
{
    public required Uri Url { get; init; }

    public Workload Workload { get; init; } = Workload.Upload;

    /// <summary>Upload/download volume.</summary>
    public long Bytes { get; init; } = 1L << 30;

    /// <summary>Upload message size, or the round-trip message size.</summary>
    public int MessageSize { get; init; } = 64 * 1024;

    /// <summary>Measured round trips (after <see cref="Warmup"/>).</summary>
    public int Count { get; init; } = 20_000;

    public int Warmup { get; init; } = 1_000;

    /// <summary>Churn workers, or idle sessions.</summary>
    public int Connections { get; init; } = 32;

    /// <summary>How long churn runs, or how long idle sessions are held.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Local addresses to connect from, round-robin (several 127.0.0.x against port exhaustion); empty = any.</summary>
    public IReadOnlyList<IPAddress> SourceAddresses { get; init; } = [];

    /// <summary>Headers, subprotocol, TLS settings for ws:// and wss://.</summary>
    public ClientOptions Client { get; init; } = new();

    /// <summary>Called every <see cref="ProgressInterval"/> while the run goes on.</summary>
    public IProgress<LoadProgress>? Progress { get; init; }

    /// <summary>How often <see cref="Progress"/> hears about the run: once a second unless set.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);
}
