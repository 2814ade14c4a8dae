using System.Diagnostics;
using System.Text;

namespace Relay.Interop.Tests;

/// <summary>
/// A peer script in <c>peers/</c> run as a direct child of the test: node's <c>ws</c> (ws-peer.mjs) or
/// python3-websockets (websockets-peer.py, under Debian's /usr/bin/python3, the interpreter that sees Debian's
/// modules). Its stdout lines are its observations; disposal kills it by its own PID and waits.
/// </summary>
public sealed class ProcessPeer : InteropPeer
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private ProcessPeer(string name, Process process)
        : base(name)
    {
        _process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                End();
            }
            else
            {
                Report(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public override string Transcript
    {
        get
        {
            lock (_stderr)
            {
                return $"{base.Transcript}\n{Name} stderr:\n{_stderr}";
            }
        }
    }

    /// <summary>Starts <paramref name="peer"/> ("node-ws" or "python-websockets") with role, target, mode and argument.</summary>
    public static ProcessPeer Start(string peer, params string[] arguments)
    {
        var directory = PeerFiles.Directory;
        var info = peer switch
        {
            Peers.Node => new ProcessStartInfo(PeerFiles.Tool("node", "/usr/bin/node", "nodejs")),
            Peers.Python => new ProcessStartInfo(PeerFiles.Tool("/usr/bin/python3", "/usr/bin/python3", "python3-websockets")),
            _ => throw new ArgumentOutOfRangeException(nameof(peer), peer, "not a process peer"),
        };
        if (peer == Peers.Node)
        {
            PeerFiles.RequireNodeModules();
        }

        info.ArgumentList.Add(Path.Combine(directory, peer == Peers.Node ? "ws-peer.mjs" : "websockets-peer.py"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.WorkingDirectory = directory;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;
        info.UseShellExecute = false;
        info.Environment["PYTHONUNBUFFERED"] = "1";
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{peer} did not start");
        return new ProcessPeer(peer, process);
    }

    /// <summary>Starts a server peer and waits for the port it listens on.</summary>
    public static async Task<ProcessPeer> StartServerAsync(string peer, string mode, string? argument, CancellationToken cancellationToken)
    {
        var server = Start(peer, argument is null ? ["server", "0", mode] : ["server", "0", mode, argument]);
        try
        {
            server.Port = int.Parse((await server.ExpectAsync("listening", cancellationToken))[0], System.Globalization.CultureInfo.InvariantCulture);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
