using System.Globalization;

namespace Relay.LoadBench;

/// <summary>
/// A relay under test as a black box: how to start it on 127.0.0.1:PORT in front of 127.0.0.1:TARGET, whether
/// clients speak WebSocket or raw TCP to it, and how many idle sessions it can reasonably hold here.
/// </summary>
/// <param name="Name">The name in tables and charts.</param>
/// <param name="IsWebSocket">Clients use ws:// (else tcp://).</param>
/// <param name="Command">(port, target port) → argv; unused for <c>direct</c>.</param>
/// <param name="IdleLimit">Most idle sessions to open; 0 = skip idle. Forking relays spend a process per session.</param>
public sealed record RelayDefinition(string Name, bool IsWebSocket, Func<int, int, string[]> Command, int IdleLimit)
{
    public const string DirectName = "direct";
    public const string SocatReferenceName = "socat-64k";
    public const string RelayName = "relay";

    public bool IsDirect => Name == DirectName;

    /// <summary>The client URL for a relay listening on <paramref name="port"/>.</summary>
    public Uri Url(int port) => new(IsWebSocket
        ? string.Create(CultureInfo.InvariantCulture, $"ws://127.0.0.1:{port}/")
        : string.Create(CultureInfo.InvariantCulture, $"tcp://127.0.0.1:{port}"));

    /// <summary>The ssh ProxyCommand that reaches this relay on <paramref name="port"/>.</summary>
    public string ProxyCommand(string relayBinary, int port) => IsWebSocket
        ? string.Create(CultureInfo.InvariantCulture, $"{relayBinary} --binary -B 65536 - ws://127.0.0.1:{port}/")
        : string.Create(CultureInfo.InvariantCulture, $"socat - TCP:127.0.0.1:{port}");

    public override string ToString() => Name;
}
