namespace Relay.Core.Handshake;

/// <summary>A validated client upgrade request: what the server needs to route and answer it.</summary>
public sealed record UpgradeRequest(string Path, string Key, HttpHead Head)
{
    /// <summary>The subprotocols the client offered, in its order.</summary>
    public IReadOnlyList<string> Protocols =>
        Head["Sec-WebSocket-Protocol"] is { } value
            ? value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : [];
}
