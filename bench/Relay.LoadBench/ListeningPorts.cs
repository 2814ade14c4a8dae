using System.Globalization;

namespace Relay.LoadBench;

/// <summary>
/// Readiness without a connection: a probe connection would be a session to the relay (or the single accept of a
/// socat without fork), so the harness reads the kernel's socket tables instead.
/// </summary>
public static class ListeningPorts
{
    private const string ListenState = "0A";

    /// <summary>True when some socket listens on <paramref name="port"/> (IPv4 or IPv6, any address).</summary>
    public static bool IsListening(int port)
    {
        var hexPort = port.ToString("X4", CultureInfo.InvariantCulture);
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table))
            {
                continue;
            }

            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // "  sl  local_address rem_address   st ...": local_address is HEXADDR:HEXPORT, st 0A is LISTEN.
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 3 && fields[3] == ListenState && fields[1].EndsWith(":" + hexPort, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
