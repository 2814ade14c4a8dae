namespace Relay.LoadBench;

/// <summary>The relays the benchmark knows, in the order of the first repetition.</summary>
public static class RelayCatalog
{
    /// <summary>socat and the other forking relays spend a process per session: hold this many idle ones at most.</summary>
    private const int SocatIdleLimit = 1_000;

    /// <summary>websockify forks a Python process per session, websocketd starts a socat per session.</summary>
    private const int ForkingWebSocketIdleLimit = 200;

    public static IReadOnlyList<RelayDefinition> All(string relayBinary, string? websocat, int idleSessions)
    {
        var relays = new List<RelayDefinition>
        {
            // The client talks to the target itself: the ceiling of the load generator and the target.
            new(RelayDefinition.DirectName, false, (_, _) => [], 0),
            Socat("socat-8k", 8192),
            Socat(RelayDefinition.SocatReferenceName, 65536),
            new("websockify", true, (port, target) => ["websockify", $"127.0.0.1:{port}", $"127.0.0.1:{target}"], ForkingWebSocketIdleLimit),
            new("websocketd", true, (port, target) =>
                ["websocketd", "--port", $"{port}", "--address", "127.0.0.1", "--binary", "socat", "-", $"TCP:127.0.0.1:{target}"], ForkingWebSocketIdleLimit),
            new(RelayDefinition.RelayName, true, (port, target) =>
                [relayBinary, "-q", "-b", "-E", $"ws-l:127.0.0.1:{port}", $"tcp:127.0.0.1:{target}"], idleSessions),
        };
        if (websocat is not null)
        {
            relays.Add(new("websocat", true, (port, target) =>
                [websocat, "-q", "-b", "-E", $"ws-l:127.0.0.1:{port}", $"tcp:127.0.0.1:{target}"], idleSessions));
        }

        return relays;
    }

    /// <summary>websocat from --websocat, else from PATH, else null (no registry here serves it).</summary>
    public static string? FindWebsocat(string? given)
    {
        if (given is not null)
        {
            return File.Exists(given) ? Path.GetFullPath(given) : throw new FileNotFoundException($"--websocat {given}: no such file");
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "websocat");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static RelayDefinition Socat(string name, int buffer) =>
        new(name, false, (port, target) => ["socat", "-b", $"{buffer}", $"TCP-LISTEN:{port},reuseaddr,fork", $"TCP:127.0.0.1:{target}"], SocatIdleLimit);
}
