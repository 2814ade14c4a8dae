using System.Diagnostics;

namespace Relay.Testing;

/// <summary>
/// Runs the relay binary (<see cref="RelayBinary.Path"/>) with changes to its environment: SSL_CERT_FILE pointing at
/// a test CA, or removed so that CA is unknown. A null value removes the variable from the child's environment.
/// </summary>
public static class RelayCommand
{
    /// <summary>A start info for relay with stdin/stdout/stderr redirected and <paramref name="environment"/> applied.</summary>
    public static ProcessStartInfo CreateStartInfo(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo(RelayBinary.Path)
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

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        return info;
    }

    /// <summary>
    /// Runs relay to completion with the given stdin and environment; stdout is read while stdin is written, so a
    /// large stdin cannot deadlock on a full stdout pipe. Returns exit code, stdout bytes and stderr text.
    /// </summary>
    public static async Task<(int ExitCode, byte[] Stdout, string Stderr)> RunAsync(
        byte[] stdin, IReadOnlyDictionary<string, string?> environment, CancellationToken cancellationToken, params string[] arguments)
    {
        using var process = Process.Start(CreateStartInfo(environment, arguments)) ?? throw new InvalidOperationException("relay did not start");
        try
        {
            var stdout = new MemoryStream();
            var copyOut = process.StandardOutput.BaseStream.CopyToAsync(stdout, cancellationToken);
            var readErr = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.StandardInput.BaseStream.WriteAsync(stdin, cancellationToken);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // relay exited before reading all of stdin (a refused connection, say): its exit code tells the story.
            }

            await process.WaitForExitAsync(cancellationToken);
            await copyOut;
            return (process.ExitCode, stdout.ToArray(), await readErr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// Ends a stdio client whose server closes first. relay closes its stdout when the server's Close arrives: that EOF
    /// is the event waited for. Only then does stdin end, so the Close relay sends is its echo of the server's code, not
    /// a Close 1000 of its own. Waits for the exit (killing relay if anything fails) and returns what it wrote to stderr.
    /// </summary>
    public static async Task<string> EndAfterServerCloseAsync(Process relay, CancellationToken cancellationToken)
    {
        var stderr = relay.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            var stdout = await relay.StandardOutput.BaseStream.ReadAsync(new byte[1], cancellationToken);
            if (stdout != 0)
            {
                throw new InvalidDataException("relay wrote to stdout instead of ending it at the server's Close");
            }

            relay.StandardInput.Close();
            await relay.WaitForExitAsync(cancellationToken);
        }
        finally
        {
            if (!relay.HasExited)
            {
                relay.Kill(entireProcessTree: true);
                await relay.WaitForExitAsync(CancellationToken.None);
            }
        }

        return await stderr;
    }
}
