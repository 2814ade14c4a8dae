using System.Globalization;
using System.Text.Json.Nodes;

namespace Relay.Soak.Relays;

/// <summary>
/// The three relays under test, all aimed at the soak target: <c>forwarder</c> (the sandbox command line),
/// <c>serve</c> (relay serve with a config file, a /refused route and metrics) and <c>capped</c> (max 8 sessions, used
/// only by the overload fault).
/// </summary>
public sealed class RelayFleet : IAsyncDisposable
{
    private RelayFleet(RelayProcess forwarder, RelayProcess serve, RelayProcess capped)
    {
        Forwarder = forwarder;
        Serve = serve;
        Capped = capped;
    }

    public RelayProcess Forwarder { get; }

    public RelayProcess Serve { get; }

    public RelayProcess Capped { get; }

    public IReadOnlyList<RelayProcess> All => [Forwarder, Serve, Capped];

    /// <summary>The session cap of <see cref="Capped"/>.</summary>
    public const int CappedSessions = 8;

    public static async Task<RelayFleet> StartAsync(string binary, string outDirectory, int targetPort)
    {
        var ports = FreePorts.Take(6);
        string P(int i) => ports[i].ToString(CultureInfo.InvariantCulture);
        var target = $"tcp:127.0.0.1:{targetPort}";
        var forwarder = RelayProcess.Start("forwarder", binary, ["-b", "-E", "--ping-interval", "1", $"ws-l:127.0.0.1:{P(0)}", target], ports[0], null, outDirectory);

        var config = new JsonObject
        {
            ["listen"] = new JsonArray($"ws://127.0.0.1:{P(1)}"),
            ["target"] = target,
            ["routes"] = new JsonObject { ["/refused"] = $"tcp:127.0.0.1:{P(5)}" }, // nobody listens there
            ["metrics"] = $"127.0.0.1:{P(2)}",
            ["pingInterval"] = 1,
            ["pingTimeout"] = 10,
            ["maxSessions"] = 4000,
            ["drainTimeout"] = 5,
        };
        var configPath = Path.Combine(outDirectory, "serve.json");
        await File.WriteAllTextAsync(configPath, config.ToJsonString(new() { WriteIndented = true }));
        var serve = RelayProcess.Start("serve", binary, ["serve", "--config", configPath], ports[1], new Uri($"http://127.0.0.1:{P(2)}/"), outDirectory);

        var capped = RelayProcess.Start("capped", binary,
            ["serve", "--listen", $"ws://127.0.0.1:{P(3)}", "--target", target, "--max-sessions", CappedSessions.ToString(CultureInfo.InvariantCulture), "--metrics", $"127.0.0.1:{P(4)}"],
            ports[3], new Uri($"http://127.0.0.1:{P(4)}/"), outDirectory);

        var fleet = new RelayFleet(forwarder, serve, capped);
        try
        {
            await Task.WhenAll(fleet.All.Select(r => r.WaitReadyAsync(TimeSpan.FromSeconds(15))));
            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var relay in All)
        {
            await relay.DisposeAsync();
        }
    }
}
