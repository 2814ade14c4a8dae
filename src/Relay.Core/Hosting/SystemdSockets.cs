using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Relay.Core.Hosting;

/// <summary>
/// systemd socket activation (sd_listen_fds(3)): listening sockets that the service manager, or
/// <c>systemd-socket-activate</c>, opened and passed as descriptors 3, 4, … with LISTEN_PID, LISTEN_FDS and
/// LISTEN_FDNAMES in the environment. The sockets exist before the process starts, so connections queue in their
/// backlog across a restart instead of being refused.
/// </summary>
public static class SystemdSockets
{
    public const string ListenPidVariable = "LISTEN_PID";
    public const string ListenFdsVariable = "LISTEN_FDS";
    public const string ListenFdNamesVariable = "LISTEN_FDNAMES";

    /// <summary>sd-daemon.h's SD_LISTEN_FDS_START: the first passed descriptor.</summary>
    public const int FirstDescriptor = 3;

    // <asm-generic/socket.h>: SOL_SOCKET 1, SO_ACCEPTCONN 30 (macOS and FreeBSD: 0xffff, 0x2).
    private static (int Level, int Name) AcceptConnOption => OperatingSystem.IsLinux() ? (1, 30) : (0xffff, 0x2);

    /// <summary>The three variables from this process's environment, for <see cref="Adopt"/>.</summary>
    public static IReadOnlyDictionary<string, string?> ReadEnvironment()
    {
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in (string[])[ListenPidVariable, ListenFdsVariable, ListenFdNamesVariable])
        {
            variables[name] = Environment.GetEnvironmentVariable(name);
        }

        return variables;
    }

    /// <summary>
    /// Unsets the three variables, as sd_listen_fds(unset_environment: 1) does: a child process must not believe the
    /// descriptors are its own. Call it once the sockets are adopted.
    /// </summary>
    public static void ClearEnvironment()
    {
        Environment.SetEnvironmentVariable(ListenPidVariable, null);
        Environment.SetEnvironmentVariable(ListenFdsVariable, null);
        Environment.SetEnvironmentVariable(ListenFdNamesVariable, null);
    }

    /// <summary>
    /// Takes ownership of the descriptors passed to <paramref name="processId"/>: <paramref name="firstDescriptor"/>
    /// onwards, LISTEN_FDS of them, each named from LISTEN_FDNAMES ("unknown" when absent, as systemd says). Empty
    /// when this process was not socket-activated (no LISTEN_FDS, or LISTEN_PID names another process: a parent's
    /// variables leaked into it).
    /// </summary>
    /// <exception cref="InvalidOperationException">The variables are malformed, or a descriptor is not a listening
    /// stream socket (a .socket unit with ListenDatagram= or Accept=yes); sockets already adopted are closed.</exception>
    public static IReadOnlyList<ActivatedSocket> Adopt(IReadOnlyDictionary<string, string?> environment, int processId, int firstDescriptor = FirstDescriptor)
    {
        var pidText = environment.GetValueOrDefault(ListenPidVariable);
        var countText = environment.GetValueOrDefault(ListenFdsVariable);
        if (string.IsNullOrEmpty(pidText) || string.IsNullOrEmpty(countText))
        {
            return [];
        }

        if (!int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            throw new InvalidOperationException($"systemd socket activation: {ListenPidVariable}={pidText} is not a process id");
        }

        if (pid != processId)
        {
            return [];
        }

        if (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
        {
            throw new InvalidOperationException($"systemd socket activation: {ListenFdsVariable}={countText} is not a positive count");
        }

        var names = environment.GetValueOrDefault(ListenFdNamesVariable) is { Length: > 0 } namesText
            ? namesText.Split(':')
            : Enumerable.Repeat("unknown", count).ToArray();
        if (names.Length != count)
        {
            throw new InvalidOperationException(
                $"systemd socket activation: {ListenFdNamesVariable} names {names.Length} sockets, {ListenFdsVariable} says {count}");
        }

        var sockets = new List<ActivatedSocket>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                sockets.Add(new ActivatedSocket(AdoptListening(firstDescriptor + i), names[i]));
            }
        }
        catch
        {
            foreach (var adopted in sockets)
            {
                adopted.Socket.Dispose();
            }

            throw;
        }

        return sockets;
    }

    private static Socket AdoptListening(int descriptor)
    {
        var handle = new SafeSocketHandle(descriptor, ownsHandle: true);
        Socket socket;
        try
        {
            // Asks the kernel for the socket's family, type and protocol (Unknown when it is no socket).
            socket = new Socket(handle);
        }
        catch (SocketException ex)
        {
            handle.Dispose();
            throw new InvalidOperationException($"systemd socket activation: descriptor {descriptor} is not a socket ({ex.Message})", ex);
        }

        try
        {
            if (socket.SocketType == SocketType.Unknown)
            {
                // The constructor's getsockopt calls failed (ENOTSOCK): a file, a pipe, a terminal.
                throw new InvalidOperationException($"systemd socket activation: descriptor {descriptor} is not a socket");
            }

            if (socket.SocketType != SocketType.Stream || !IsListening(socket))
            {
                throw new InvalidOperationException(
                    $"systemd socket activation: descriptor {descriptor} is not a listening stream socket ({socket.SocketType}); use ListenStream= with Accept=no");
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool IsListening(Socket socket)
    {
        var value = 0;
        var option = AcceptConnOption;
        socket.GetRawSocketOption(option.Level, option.Name, MemoryMarshal.AsBytes(new Span<int>(ref value)));
        return value != 0;
    }
}
