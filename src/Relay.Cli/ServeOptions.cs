using System.Net;
using Relay.Core.Hosting;
using Relay.Core.Relaying;

namespace Relay.Cli;

/// <summary>One `--listen`: where, and whether it speaks TLS (wss).</summary>
internal sealed record ServeListener(string Text, EndPoint EndPoint, bool Secure);

/// <summary>Everything `relay serve` was configured with, validated: flags over environment over the JSON file.</summary>
internal sealed record ServeOptions(
    IReadOnlyList<ServeListener> Listeners,
    string? TlsCertificatePath,
    string? TlsKeyPath,
    Target? DefaultTarget,
    IReadOnlyDictionary<string, Target> Routes,
    BearerToken? Token,
    IReadOnlyList<string> AllowedOrigins,
    int MaxSessions,
    TimeSpan HandshakeTimeout,
    TimeSpan DrainTimeout,
    EndPoint? Metrics,
    bool JsonLogs,
    bool ReusePort,
    RelayOptions Relay,
    bool Quiet,
    bool Verbose);
