namespace Relay.Interop.Tests;

/// <summary>The real peers the interop theories run over (docs/interop.md), and how to start each.</summary>
public static class Peers
{
    /// <summary>node's <c>ws</c> package (npm, peers/package-lock.json), peers/ws-peer.mjs.</summary>
    public const string Node = "node-ws";

    /// <summary>Debian's python3-websockets, peers/websockets-peer.py.</summary>
    public const string Python = "python3-websockets";

    /// <summary>Debian's headless Chromium running peers/chromium-peer.html (client only).</summary>
    public const string Chromium = "chromium";

    /// <summary>System.Net.WebSockets in process (<see cref="DotnetPeer"/>).</summary>
    public const string Dotnet = "dotnet";

    /// <summary>Starts a client peer that connects to <paramref name="url"/> and runs <paramref name="mode"/>.</summary>
    public static async Task<InteropPeer> StartClientAsync(string peer, string url, string mode, string? argument = null) => peer switch
    {
        Chromium => await ChromiumPeer.StartClientAsync(url, mode, argument),
        Dotnet => DotnetPeer.StartClient(url, mode, argument),
        _ => ProcessPeer.Start(peer, argument is null ? ["client", url, mode] : ["client", url, mode, argument]),
    };

    /// <summary>Starts a server peer on 127.0.0.1 (port 0) running <paramref name="mode"/>; its port is in <see cref="InteropPeer.Port"/>.</summary>
    public static async Task<InteropPeer> StartServerAsync(string peer, string mode, string? argument, CancellationToken cancellationToken) => peer switch
    {
        Dotnet => DotnetPeer.StartServer(mode),
        Chromium => throw new ArgumentOutOfRangeException(nameof(peer), peer, "a page cannot listen"),
        _ => await ProcessPeer.StartServerAsync(peer, mode, argument, cancellationToken),
    };
}
