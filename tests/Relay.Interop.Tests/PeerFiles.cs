namespace Relay.Interop.Tests;

/// <summary>
/// Where the peer scripts live: tests/Relay.Interop.Tests/peers in the repository the tests run from (found by
/// walking up to Relay.sln), with node_modules installed there by <c>npm ci</c> (.ci/run does it).
/// </summary>
public static class PeerFiles
{
    public static string Directory
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Relay.sln")))
            {
                directory = directory.Parent;
            }

            return directory is null
                ? throw new DirectoryNotFoundException($"no Relay.sln above {AppContext.BaseDirectory}: the interop peers live in tests/Relay.Interop.Tests/peers")
                : Path.Combine(directory.FullName, "tests", "Relay.Interop.Tests", "peers");
        }
    }

    /// <summary>Fails with the fix when node_modules/ws is missing: peers are installed, never skipped.</summary>
    public static void RequireNodeModules()
    {
        if (!File.Exists(Path.Combine(Directory, "node_modules", "ws", "package.json")))
        {
            throw new InvalidOperationException($"node's ws package is not installed in {Directory}: run 'npm ci' there (.ci/run does).");
        }
    }

    /// <summary>The path of a tool, or a failure naming the Debian package to install.</summary>
    public static string Tool(string name, string path, string package)
    {
        if (File.Exists(path))
        {
            return path;
        }

        foreach (var entry in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(entry, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"{name} is missing: install it with 'apt-get install -y {package}' (.ci/run does).");
    }
}
