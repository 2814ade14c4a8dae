using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Relay.Testing;

/// <summary>
/// A real proxy on 127.0.0.1 for client tests: tinyproxy (HTTP CONNECT, optionally with Basic auth) or microsocks
/// (SOCKS5, optionally with user/password), started as a direct child of the test and ended by its own PID.
/// </summary>
/// <remarks>Needs <c>apt-get install -y tinyproxy microsocks</c> (./build.sh test installs them).</remarks>
public sealed class ProxyPeer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string? _logFile;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ProxyPeer(Process process, int port, string directory, string? logFile)
    {
        _process = process;
        Port = port;
        Directory = directory;
        _logFile = logFile;
        process.OutputDataReceived += Collect;
        process.ErrorDataReceived += Collect;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    public string Directory { get; }

    /// <summary>What the proxy said: its stdout/stderr and, for tinyproxy, its log file. microsocks prints
    /// "client[N] ADDR: connected to HOST:PORT" for each tunnel; tinyproxy logs "Established connection to host".</summary>
    public string Log
    {
        get
        {
            string output;
            lock (_output)
            {
                output = _output.ToString();
            }

            return _logFile is not null && File.Exists(_logFile) ? output + File.ReadAllText(_logFile) : output;
        }
    }

    /// <summary>Waits until the proxy's stdout/stderr contains <paramref name="text"/> (microsocks' per-tunnel line).</summary>
    public async Task WaitForOutputAsync(string text, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_output)
            {
                if (_output.ToString().Contains(text, StringComparison.Ordinal))
                {
                    return;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>tinyproxy in the foreground; with <paramref name="user"/>, CONNECT needs Basic credentials.</summary>
    public static async Task<ProxyPeer> StartTinyProxyAsync(CancellationToken cancellationToken, string? user = null, string? password = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("relay-tinyproxy-").FullName;
        var port = Loopback.FreePort(); // tinyproxy takes no port 0: a port free a moment ago
        var log = Path.Combine(directory, "tinyproxy.log");
        var config = Path.Combine(directory, "tinyproxy.conf");
        await File.WriteAllTextAsync(config, $"""
            Port {port}
            Listen 127.0.0.1
            Allow 127.0.0.1
            LogFile "{log}"
            PidFile "{Path.Combine(directory, "tinyproxy.pid")}"
            LogLevel Info
            MaxClients 50
            {(user is null ? string.Empty : $"BasicAuth {user} {password}")}

            """, cancellationToken);
        return await StartAsync(FindTool("tinyproxy"), ["-d", "-c", config], port, directory, log, cancellationToken);
    }

    /// <summary>microsocks in the foreground; with <paramref name="user"/>, RFC 1929 authentication is required.</summary>
    public static Task<ProxyPeer> StartMicroSocksAsync(CancellationToken cancellationToken, string? user = null, string? password = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("relay-microsocks-").FullName;
        var port = Loopback.FreePort();
        string[] arguments = user is null
            ? ["-i", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]
            : ["-i", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-u", user, "-P", password ?? string.Empty];
        return StartAsync(FindTool("microsocks"), arguments, port, directory, null, cancellationToken);
    }

    private static string FindTool(string name)
    {
        foreach (var directory in new[] { "/usr/bin", "/usr/sbin", "/usr/local/bin" })
        {
            var path = Path.Combine(directory, name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new InvalidOperationException($"{name} is missing: install it with 'apt-get install -y {name}' (./build.sh test does).");
    }

    private static async Task<ProxyPeer> StartAsync(string tool, string[] arguments, int port, string directory, string? logFile, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"{tool} did not start");
        var peer = new ProxyPeer(process, port, directory, logFile);
        try
        {
            await peer.WaitUntilAcceptingAsync(tool, cancellationToken);
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }

        return peer;
    }

    /// <summary>Polls a connect until the proxy accepts (it says nothing else when ready); fails at once if it exits.</summary>
    private async Task WaitUntilAcceptingAsync(string tool, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{tool} exited with {_process.ExitCode} before accepting connections: {Log}");
            }

            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await probe.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Port), cancellationToken);
                return;
            }
            catch (SocketException ex) when (attempt >= 500)
            {
                throw new InvalidOperationException($"{tool} did not accept connections on 127.0.0.1:{Port} ({ex.SocketErrorCode}): {Log}", ex);
            }
            catch (SocketException) when (attempt < 500)
            {
                // Not listening yet: wait a moment (bounded: 500 tries), but wake at once if it exits.
                await _process.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromMilliseconds(20), cancellationToken)
                    .ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private void Collect(object sender, DataReceivedEventArgs e)
    {
        if (e.Data is not null)
        {
            lock (_output)
            {
                _output.AppendLine(e.Data);
                _changed.TrySetResult();
                _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
