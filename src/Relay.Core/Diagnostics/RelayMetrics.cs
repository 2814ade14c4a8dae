using System.Diagnostics.Metrics;

namespace Relay.Core.Diagnostics;

/// <summary>The process's instruments (DESIGN.md §6), created once.</summary>
public static class RelayMetrics
{
    public const string MeterName = "Relay";

    private static readonly Meter s_meter = new(MeterName);

    public static readonly UpDownCounter<long> ActiveSessions = s_meter.CreateUpDownCounter<long>("relay.sessions.active", description: "Sessions currently relaying");
    public static readonly Counter<long> Sessions = s_meter.CreateCounter<long>("relay.sessions", description: "Sessions started");
    public static readonly Counter<long> BytesToWebSocket = s_meter.CreateCounter<long>("relay.bytes.to_websocket", "By", "Bytes relayed from the byte side (target, stdio) to the WebSocket");
    public static readonly Counter<long> BytesFromWebSocket = s_meter.CreateCounter<long>("relay.bytes.from_websocket", "By", "Bytes relayed from the WebSocket to the byte side");
    public static readonly Counter<long> HandshakeFailures = s_meter.CreateCounter<long>("relay.handshake.failures", description: "Refused upgrades, tagged by status");
    public static readonly Histogram<double> SessionDuration = s_meter.CreateHistogram<double>("relay.session.duration", "s", "How long sessions lasted, from the upgrade to the end");
}
