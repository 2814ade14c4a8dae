using System.Net;
using System.Net.Sockets;
using Relay.Core.Hosting;
using Relay.Testing;

namespace Relay.Core.Tests.Hosting;

/// <summary>
/// Socket activation in-process: a real listening socket stands in for the one systemd would pass, its descriptor
/// number given as the first descriptor (systemd's is always 3, which this test host has taken for itself).
/// </summary>
public sealed class SystemdSocketsTests
{
    [Fact]
    public async Task Adopt_ListeningSocketPassed_AcceptsARealConnectionThroughIt()
    {
        var timeout = Loopback.Timeout(10);
        var (descriptor, endPoint) = PassListeningSocket();
        var environment = Environment(pid: System.Environment.ProcessId, count: "1", names: "wss");

        var sockets = SystemdSockets.Adopt(environment, System.Environment.ProcessId, descriptor);

        var activated = Assert.Single(sockets);
        using var listener = activated.Socket;
        Assert.Equal("wss", activated.Name);
        Assert.Equal(endPoint, listener.LocalEndPoint);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(endPoint, timeout);
        using var accepted = await listener.AcceptAsync(timeout);
        await client.SendAsync(new byte[] { 1, 2, 3 }, timeout);
        Assert.Equal(new byte[] { 1, 2, 3 }, await accepted.ReadExactlyAsync(3, timeout));
    }

    [Fact]
    public void Adopt_NoNames_NamesTheSocketUnknown()
    {
        var (descriptor, _) = PassListeningSocket();

        var sockets = SystemdSockets.Adopt(Environment(System.Environment.ProcessId, "1", names: null), System.Environment.ProcessId, descriptor);

        using var socket = Assert.Single(sockets).Socket;
        Assert.Equal("unknown", sockets[0].Name);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("1", null)]
    [InlineData(null, "1")]
    public void Adopt_NotActivated_ReturnsEmpty(string? pid, string? count)
    {
        var environment = new Dictionary<string, string?> { ["LISTEN_PID"] = pid, ["LISTEN_FDS"] = count };

        Assert.Empty(SystemdSockets.Adopt(environment, System.Environment.ProcessId));
    }

    [Fact]
    public void Adopt_VariablesForAnotherProcess_ReturnsEmptyWithoutTouchingDescriptors()
    {
        // A parent's variables leaked into this process: its descriptors 3… are not ours to take.
        var environment = Environment(pid: System.Environment.ProcessId + 1, count: "1", names: null);

        Assert.Empty(SystemdSockets.Adopt(environment, System.Environment.ProcessId));
    }

    [Theory]
    [InlineData("0", null, "LISTEN_FDS=0 is not a positive count")]
    [InlineData("two", null, "LISTEN_FDS=two is not a positive count")]
    [InlineData("2", "a", "LISTEN_FDNAMES names 1 sockets, LISTEN_FDS says 2")]
    public void Adopt_MalformedVariables_ThrowsNamingTheVariable(string count, string? names, string expected)
    {
        var environment = Environment(System.Environment.ProcessId, count, names);

        var ex = Assert.Throws<InvalidOperationException>(() => SystemdSockets.Adopt(environment, System.Environment.ProcessId));

        Assert.Equal("systemd socket activation: " + expected, ex.Message);
    }

    [Fact]
    public async Task Adopt_ConnectedSocketInsteadOfListening_ThrowsAndClosesIt()
    {
        var (left, right) = await Loopback.CreatePairAsync();
        using var _ = right;
        var descriptor = (int)left.Handle;
        left.SafeHandle.SetHandleAsInvalid(); // the descriptor is Adopt's to close now

        var ex = Assert.Throws<InvalidOperationException>(() =>
            SystemdSockets.Adopt(Environment(System.Environment.ProcessId, "1", null), System.Environment.ProcessId, descriptor));

        Assert.Contains($"descriptor {descriptor} is not a listening stream socket", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, await right.ReceiveAsync(new byte[1], SocketFlags.None, Loopback.Timeout(10))); // closed: EOF
    }

    [Fact]
    public void Adopt_FileInsteadOfSocket_ThrowsSayingNotASocket()
    {
        var path = Path.GetTempFileName();
        try
        {
            using var file = File.OpenHandle(path);
            var descriptor = (int)file.DangerousGetHandle();
            file.SetHandleAsInvalid(); // the descriptor is Adopt's to close now

            var ex = Assert.Throws<InvalidOperationException>(() =>
                SystemdSockets.Adopt(Environment(System.Environment.ProcessId, "1", null), System.Environment.ProcessId, descriptor));

            Assert.Equal($"systemd socket activation: descriptor {descriptor} is not a socket", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ClearEnvironment_AfterReadEnvironment_LeavesNoVariablesForChildren()
    {
        System.Environment.SetEnvironmentVariable("LISTEN_PID", "1");
        System.Environment.SetEnvironmentVariable("LISTEN_FDS", "2");
        System.Environment.SetEnvironmentVariable("LISTEN_FDNAMES", "a:b");

        var read = SystemdSockets.ReadEnvironment();
        SystemdSockets.ClearEnvironment();

        Assert.Equal(("1", "2", "a:b"), (read["LISTEN_PID"], read["LISTEN_FDS"], read["LISTEN_FDNAMES"]));
        Assert.All(SystemdSockets.ReadEnvironment().Values, Assert.Null);
        Assert.Null(System.Environment.GetEnvironmentVariable("LISTEN_FDS"));
    }

    /// <summary>A listening socket whose descriptor the caller now owns, as systemd hands one over.</summary>
    private static (int Descriptor, EndPoint EndPoint) PassListeningSocket()
    {
        var socket = ListenSockets.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var endPoint = socket.LocalEndPoint!;
        var descriptor = (int)socket.Handle;
        socket.SafeHandle.SetHandleAsInvalid(); // this Socket object will not close it: Adopt's socket owns it
        return (descriptor, endPoint);
    }

    private static Dictionary<string, string?> Environment(int pid, string count, string? names) => new()
    {
        ["LISTEN_PID"] = pid.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["LISTEN_FDS"] = count,
        ["LISTEN_FDNAMES"] = names,
    };
}
