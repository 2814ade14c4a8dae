using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Relay.Core.Framing;
using Relay.Core.Hosting;
using Relay.Core.Relaying;
using Relay.Core.Transport;

namespace Relay.Cli;

/// <summary>Wires the parsed command line to Relay.Core and owns the exit codes.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        InlineSocketCompletions.Enable();
        switch (CommandLine.Parse(args))
        {
            case ParseOutcome.Print print:
                await Console.Out.WriteAsync(print.Text).ConfigureAwait(false);
                return ExitCodes.Success;
            case ParseOutcome.UsageError usage:
                await Console.Error.WriteLineAsync($"relay: {usage.Message}").ConfigureAwait(false);
                return ExitCodes.Usage;
            case ParseOutcome.Run run:
                return await RunAsync(run.Options).ConfigureAwait(false);
            case ParseOutcome.Bench bench:
                return await BenchCommand.RunAsync(bench.Options).ConfigureAwait(false);
            case ParseOutcome.Serve serve:
                return await ServeCommand.RunAsync(serve.Options).ConfigureAwait(false);
            default:
                return ExitCodes.Failure;
        }
    }

    private static async Task<int> RunAsync(CliOptions options)
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("RELAY_INJECT_DELAY_US"), out var injectedMicroseconds) && injectedMicroseconds > 0)
        {
            // The benchmark gate's self-test (bench/README.md): a known slowdown the gate must catch.
            options = options with { Relay = options.Relay with { InjectedDelayPerMessage = TimeSpan.FromMicroseconds(injectedMicroseconds) } };
        }

        if (options.Mode == Mode.StdioClient)
        {
            // stdout carries the session's bytes, and closing descriptor 1 (StreamEndpoint.ForStdio) is the EOF the
            // reader waits for. Console.Out must never hold a duplicate of it: the first write to Console.Error opens
            // one (Console initializes under a lock on Console.Out), which kept the pipe open past that close, and
            // once descriptor 1 is closed that initialization fails with EBADF and crashed relay before it said why
            // the session ended.
            Console.SetOut(TextWriter.Null);
        }

        var logger = new StderrLogger(options.Verbose ? LogLevel.Debug : options.Quiet ? LogLevel.Warning : LogLevel.Information);
        if (options.BinaryImplied && !options.Quiet)
        {
            await Console.Error.WriteLineAsync("relay: neither -b nor -t given: relaying binary messages").ConfigureAwait(false);
        }

        if (options.Client.Insecure && !options.Quiet)
        {
            await Console.Error.WriteLineAsync("relay: warning: -k/--insecure: TLS certificates are not checked").ConfigureAwait(false);
        }

        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        try
        {
            return options.Mode switch
            {
                Mode.StdioClient => await RunStdioClientAsync(options, stop.Token).ConfigureAwait(false),
                Mode.WebSocketForwarder => await RunListenerAsync(
                    new WebSocketForwarder(ListenEndPoint(options.Left), TargetOf(options.Right), options.Relay, WebSocketForwarder.DefaultHandshakeTimeout, logger), stop.Token).ConfigureAwait(false),
                _ => await RunListenerAsync(
                    new TcpForwarder(ListenEndPoint(options.Left), options.Right.Uri!, options.Client, options.Relay, logger), stop.Token).ConfigureAwait(false),
            };
        }
        catch (SocketException ex) when (options.Mode != Mode.StdioClient)
        {
            await Console.Error.WriteLineAsync($"relay: {options.Left.Text}: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (Exception ex)
        {
            // One line for a user; the stack trace only when asked for with -v.
            await Console.Error.WriteLineAsync(options.Verbose ? $"relay: {ex}" : $"relay: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        void OnSignal(PosixSignalContext context)
        {
            // Let the relay stop in order (sessions get a 1001 close) instead of the runtime's immediate exit.
            context.Cancel = true;
            stop.Cancel();
        }
    }

    private static async Task<int> RunStdioClientAsync(CliOptions options, CancellationToken stop)
    {
        var uri = options.Right.Uri!;
        ByteEndpoint webSocket;
        ReadOnlyMemory<byte> prefix;
        try
        {
            (webSocket, prefix) = await WebSocketConnector.ConnectAsync(uri, options.Client, stop).ConfigureAwait(false);
        }
        catch (WebSocketConnectException ex)
        {
            // One line for a user; the stack trace only when asked for with -v.
            await Console.Error.WriteLineAsync(options.Verbose ? $"relay: {options.Right.Text}: {ex.Message}\n{ex}" : $"relay: {options.Right.Text}: {ex.Message}").ConfigureAwait(false);
            return ExitCodeOf(ex);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return ExitCodes.Success;
        }

        var result = await RelaySession.RunAsync(webSocket, WebSocketRole.Client, StreamEndpoint.ForStdio(), prefix, options.Relay, stop).ConfigureAwait(false);
        if (result.IsNormal || stop.IsCancellationRequested)
        {
            return ExitCodes.Success;
        }

        var (code, message) = DescribeEnding(result, options.Relay);
        await Console.Error.WriteLineAsync($"relay: {options.Right.Text}: {message}").ConfigureAwait(false);
        return code;
    }

    /// <summary>The exit code for a WebSocket that could not be opened (ExitCodes, docs/client.md).</summary>
    internal static int ExitCodeOf(WebSocketConnectException exception) => exception.Failure switch
    {
        ConnectFailure.Tls => ExitCodes.TlsFailed,
        ConnectFailure.Upgrade when exception.HttpStatus == 502 => ExitCodes.TargetUnreachable,
        ConnectFailure.Upgrade => ExitCodes.UpgradeRefused,
        _ => ExitCodes.ConnectFailed,
    };

    /// <summary>The exit code and the one line for a session that ended abnormally, in the client's words: the
    /// WebSocket peer is "the server".</summary>
    internal static (int Code, string Message) DescribeEnding(SessionResult result, RelayOptions relay) => result.Ending switch
    {
        SessionEnding.PeerClosedWithError => (ExitCodes.ClosedAbnormally, result.CloseReceived is { } code and not CloseStatus.NoStatusReceived
            ? $"closed by the server with {code} ({(string.IsNullOrEmpty(result.CloseReason) ? CloseStatus.Describe(code) : result.CloseReason)})"
            : "closed by the server without a close code"),
        SessionEnding.ConnectionLost => (ExitCodes.ClosedAbnormally, "the connection to the server was lost without a close frame (1006)"),
        SessionEnding.PingTimeout => (ExitCodes.ClosedAbnormally, $"the server did not answer a ping within {relay.PingTimeout.TotalSeconds:0.###} s (--ping-timeout)"),
        SessionEnding.ProtocolError => (ExitCodes.ClosedAbnormally, $"the server broke the protocol: {result.Describe()}"),
        _ => (ExitCodes.Failure, result.Describe()),
    };

    private static async Task<int> RunListenerAsync(RelayListener listener, CancellationToken stop)
    {
        await using (listener.ConfigureAwait(false))
        {
            await listener.RunAsync(stop).ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }

    private static IPEndPoint ListenEndPoint(Specifier listen)
    {
        if (IPAddress.TryParse(listen.Host, out var address))
        {
            return new IPEndPoint(address, listen.Port);
        }

        // A name (localhost): listen on its first address.
        var addresses = Dns.GetHostAddresses(listen.Host);
        return new IPEndPoint(addresses.Length > 0 ? addresses[0] : IPAddress.Loopback, listen.Port);
    }

    private static Target TargetOf(Specifier target) => target.Kind switch
    {
        SpecifierKind.Unix => Target.Unix(target.Path),
        SpecifierKind.Echo => Target.Echo,
        _ => Target.Tcp(target.Host, target.Port),
    };
}
