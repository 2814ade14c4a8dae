using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Relay.Testing;

/// <summary>
/// A real OpenSSH server on 127.0.0.1 for interop tests: its own temp directory, ed25519 host and user keys (no
/// passphrase, mode 600), an sshd_config that lets the user key in as the current user (root in CI), and
/// <c>/usr/sbin/sshd -D -e</c> as a direct child of the test, ended by its own PID. Also runs ssh/scp against it
/// with the options every test needs (no config files, no known_hosts, batch mode, a ProxyCommand).
/// </summary>
/// <remarks>Needs <c>apt-get install -y openssh-server openssh-client</c>; fails with that hint when missing.</remarks>
public sealed class SshdFixture : IAsyncDisposable
{
    public const string SshdPath = "/usr/sbin/sshd";

    private readonly Process _sshd;
    private readonly StringBuilder _log = new();

    private SshdFixture(string directory, int port, string identityFile, Process sshd)
    {
        Directory = directory;
        Port = port;
        IdentityFile = identityFile;
        _sshd = sshd;
        sshd.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_log)
                {
                    _log.AppendLine(e.Data);
                }
            }
        };
        sshd.BeginErrorReadLine();
    }

    /// <summary>The fixture's temp directory: keys, config, pid file; tests may put files here.</summary>
    public string Directory { get; }

    public int Port { get; }

    /// <summary>The user's private key, for <c>ssh -i</c>.</summary>
    public string IdentityFile { get; }

    /// <summary>The user that the key logs in as.</summary>
    public static string User => Environment.UserName;

    /// <summary>What sshd printed on stderr so far (-e): the first place to look when a login fails.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Creates keys and config in a fresh temp directory, starts sshd and waits until it accepts connections.</summary>
    public static async Task<SshdFixture> StartAsync(CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("the sshd fixture runs OpenSSH on Linux");
        }

        foreach (var tool in new[] { SshdPath, "/usr/bin/ssh", "/usr/bin/ssh-keygen", "/usr/bin/scp" })
        {
            if (!File.Exists(tool))
            {
                throw new InvalidOperationException($"{tool} is missing: install OpenSSH with 'apt-get install -y openssh-server openssh-client'.");
            }
        }

        var directory = System.IO.Directory.CreateTempSubdirectory("relay-sshd-").FullName;
        var hostKey = System.IO.Path.Combine(directory, "host_ed25519");
        var userKey = System.IO.Path.Combine(directory, "user_ed25519");
        foreach (var key in new[] { hostKey, userKey })
        {
            var (exit, _, stderr) = await RunToolAsync("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "relay-test", "-f", key], cancellationToken);
            if (exit != 0)
            {
                throw new InvalidOperationException($"ssh-keygen failed with {exit}: {stderr}");
            }

            File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var authorizedKeys = System.IO.Path.Combine(directory, "authorized_keys");
        await File.WriteAllTextAsync(authorizedKeys, await File.ReadAllTextAsync(userKey + ".pub", cancellationToken), cancellationToken);
        File.SetUnixFileMode(authorizedKeys, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var port = Loopback.FreePort();
        var config = System.IO.Path.Combine(directory, "sshd_config");
        await File.WriteAllTextAsync(config, $"""
            Port {port}
            ListenAddress 127.0.0.1
            HostKey {hostKey}
            AuthorizedKeysFile {authorizedKeys}
            PidFile {System.IO.Path.Combine(directory, "sshd.pid")}
            UsePAM no
            StrictModes no
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin yes
            UseDNS no
            PrintMotd no
            Subsystem sftp internal-sftp

            """, cancellationToken);

        // sshd refuses to start without its privilege separation directory.
        System.IO.Directory.CreateDirectory("/run/sshd");

        var info = new ProcessStartInfo(SshdPath)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = false,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-D", "-e", "-f", config })
        {
            info.ArgumentList.Add(argument);
        }

        var sshd = Process.Start(info) ?? throw new InvalidOperationException("sshd did not start");
        var fixture = new SshdFixture(directory, port, userKey, sshd);
        try
        {
            await fixture.WaitUntilAcceptingAsync(cancellationToken);
        }
        catch
        {
            await fixture.DisposeAsync();
            throw;
        }

        return fixture;
    }

    /// <summary>
    /// Polls a connect until sshd accepts (an external daemon says nothing else when it is ready); fails at once
    /// if sshd exits, with its log.
    /// </summary>
    private async Task WaitUntilAcceptingAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_sshd.HasExited)
            {
                await _sshd.WaitForExitAsync(cancellationToken);
                throw new InvalidOperationException($"sshd exited with {_sshd.ExitCode} before accepting connections: {Log}");
            }

            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await probe.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Port), cancellationToken);
                return;
            }
            catch (SocketException ex) when (attempt >= 500)
            {
                throw new InvalidOperationException($"sshd did not accept connections on 127.0.0.1:{Port} ({ex.SocketErrorCode}): {Log}", ex);
            }
            catch (SocketException) when (attempt < 500)
            {
                // Not listening yet: give sshd a moment (bounded: 500 tries), but wake at once if it exits.
                await _sshd.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromMilliseconds(20), cancellationToken)
                    .ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>
    /// ssh/scp options for this server through <paramref name="proxyCommand"/>: this key, no config files, no host
    /// key checks, no prompts. Add <c>-p</c> (ssh) or <c>-P</c> (scp) with <see cref="Port"/>.
    /// </summary>
    public IReadOnlyList<string> ClientOptions(string proxyCommand) =>
    [
        "-F", "/dev/null",
        "-i", IdentityFile,
        "-o", "IdentitiesOnly=yes",
        "-o", "StrictHostKeyChecking=no",
        "-o", "UserKnownHostsFile=/dev/null",
        "-o", "BatchMode=yes",
        "-o", "LogLevel=ERROR",
        "-o", $"ProxyCommand={proxyCommand}",
    ];

    /// <summary>Runs <c>ssh … USER@127.0.0.1 COMMAND</c> through <paramref name="proxyCommand"/>.</summary>
    public Task<(int ExitCode, string Stdout, string Stderr)> SshAsync(string proxyCommand, string command, CancellationToken cancellationToken) =>
        RunToolAsync("/usr/bin/ssh", [.. ClientOptions(proxyCommand), "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{User}@127.0.0.1", command], cancellationToken);

    /// <summary>
    /// Runs <c>scp … SOURCE DESTINATION</c> through <paramref name="proxyCommand"/>; write the remote side as
    /// <c>remote:PATH</c>, it becomes <c>USER@127.0.0.1:PATH</c>.
    /// </summary>
    public Task<(int ExitCode, string Stdout, string Stderr)> ScpAsync(string proxyCommand, string source, string destination, CancellationToken cancellationToken)
    {
        static string Remote(string path, string user) => path.StartsWith("remote:", StringComparison.Ordinal) ? $"{user}@127.0.0.1:{path["remote:".Length..]}" : path;
        return RunToolAsync("/usr/bin/scp", [.. ClientOptions(proxyCommand), "-P", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), Remote(source, User), Remote(destination, User)], cancellationToken);
    }

    /// <summary>Runs a tool to completion (stdin closed); kills it if the token fires.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunToolAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{fileName} did not start");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
            return (process.ExitCode, await stdout, await stderr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_sshd.HasExited)
        {
            _sshd.Kill(entireProcessTree: true);
        }

        await _sshd.WaitForExitAsync();
        _sshd.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a test: the temp directory is left behind, nothing else.
        }
    }
}
