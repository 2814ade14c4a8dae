using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Relay.Core.Diagnostics;
using Relay.Core.Relaying;

namespace Relay.Core.Hosting;

/// <summary>
/// A listening socket with an accept loop and the set of sessions it started. Stopping has three phases (Kestrel's
/// connection-manager shutdown, with a drain in front): stop accepting; let running sessions finish on their own for
/// up to <see cref="DrainTimeout"/>; then ask the rest to end (they get a 1001 close) and wait for them within a bound.
/// </summary>
public abstract class RelayListener : IAsyncDisposable
{
    /// <summary>How long sessions get to close once they were asked to (a 1001 close and its answer).</summary>
    public static readonly TimeSpan CloseBound = TimeSpan.FromSeconds(5);

    private readonly Socket _socket;
    private readonly CancellationTokenSource _sessionsStopping = new();
    private readonly object _gate = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly RelayOptions _options;
    private int _active;
    private int _stopped;
    private volatile bool _draining;

    protected RelayListener(EndPoint endPoint, RelayOptions options, ILogger logger)
        : this(ListenSockets.Bind(endPoint), options, logger)
    {
    }

    /// <summary>Takes over a socket that is already bound and listening (SO_REUSEPORT, systemd socket activation).</summary>
    protected RelayListener(Socket listening, RelayOptions options, ILogger logger)
    {
        Logger = logger;
        _options = options;
        _socket = listening;
    }

    protected ILogger Logger { get; }

    /// <summary>The bound address (with the real port when 0 was asked for).</summary>
    public EndPoint LocalEndPoint => _socket.LocalEndPoint!;

    /// <summary>Sessions running now.</summary>
    public int ActiveSessions => Volatile.Read(ref _active);

    /// <summary>True from the moment the listener stops accepting.</summary>
    public bool IsDraining => _draining;

    /// <summary>How long running sessions may go on once the listener stops; zero asks them to end at once.</summary>
    public TimeSpan DrainTimeout { get; init; }

    /// <summary>The cap on concurrent sessions, shared with the server's other listeners; null means none.</summary>
    public SessionLimiter? Limiter { get; init; }

    /// <summary>Process-wide session ids, so that log lines from several listeners never share one.</summary>
    private static long s_lastId;

    /// <summary>Accepts until <paramref name="cancellationToken"/> fires, then stops the sessions it started.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                Socket client;
                try
                {
                    client = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                catch (ObjectDisposedException) when (_draining)
                {
                    break;
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset or SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
                {
                    // A client that gave up before accept, or a descriptor shortage: this listener keeps serving.
                    SessionLog.AcceptFailed(Logger, LocalEndPoint.ToString()!, ex.Message);
                    if (ex.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
                    {
                        await Task.Delay(50, cancellationToken).ConfigureAwait(false);
                    }

                    continue;
                }

                lock (_gate)
                {
                    _active++;
                }

                _ = RunSessionAsync(client, Interlocked.Increment(ref s_lastId));
            }
        }
        finally
        {
            await StopAsync(DrainTimeout).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops accepting, lets running sessions go on for at most <paramref name="drainTimeout"/>, then asks the rest to
    /// end and waits for them for at most <see cref="CloseBound"/>. Only the first call drains; later calls return at once.
    /// </summary>
    public async Task StopAsync(TimeSpan drainTimeout)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        _draining = true;
        var listener = _socket.LocalEndPoint?.ToString() ?? "listener";
        _socket.Dispose();
        lock (_gate)
        {
            if (_active == 0)
            {
                _drained.TrySetResult();
            }
        }

        if (drainTimeout > TimeSpan.Zero && !_drained.Task.IsCompleted)
        {
            SessionLog.Draining(Logger, listener, ActiveSessions, drainTimeout.TotalSeconds);
            try
            {
                await _drained.Task.WaitAsync(drainTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                SessionLog.DrainTimedOut(Logger, ActiveSessions);
            }
        }

        await _sessionsStopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _drained.Task.WaitAsync(CloseBound).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }

    /// <summary>
    /// Turns one accepted connection into a session: the handshake, dialling the other side, refusing with the
    /// right answer. Owns <paramref name="client"/>: returns the session's start, or null after closing it.
    /// <paramref name="admitted"/> is false when the session cap is reached: refuse with 503.
    /// </summary>
    protected abstract Task<SessionStart?> AcceptAsync(Socket client, long id, bool admitted, CancellationToken stopping);

    /// <summary>
    /// One connection from accept to the end of its session, with the bookkeeping every listener does: start and
    /// end log lines, the session metrics. The accept step's state is gone once the session runs.
    /// </summary>
    private async Task RunSessionAsync(Socket client, long id)
    {
        // No hop to the thread pool: the session runs on the accept loop's thread until its first read waits (a ws
        // upgrade request is usually in already), then on the socket engine's threads like every other completion.
        // Work that is heavy before its first wait (a TLS server's first flight) yields in its own AcceptAsync.
        if (client.ProtocolType == ProtocolType.Tcp)
        {
            // Interactive traffic (an SSH keystroke) must not wait for Nagle, over ws, wss or tcp alike.
            try
            {
                client.NoDelay = true;
            }
            catch (SocketException)
            {
                // Already reset by the client: the handshake finds out.
            }
        }

        var admitted = Limiter?.TryEnter() ?? true;
        try
        {
            if (await AcceptAsync(client, id, admitted, _sessionsStopping.Token).ConfigureAwait(false) is not { } start)
            {
                return;
            }

            SessionLog.SessionStarted(Logger, id, start.Remote, start.Path);
            RelayMetrics.Sessions.Add(1);
            RelayMetrics.ActiveSessions.Add(1);
            var started = Stopwatch.GetTimestamp();
            SessionResult result;
            try
            {
                result = await RelaySession.RunAsync(start.WebSocket, start.Role, start.Bytes, start.Prefix, _options, _sessionsStopping.Token).ConfigureAwait(false);
            }
            finally
            {
                RelayMetrics.ActiveSessions.Add(-1);
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            RelayMetrics.BytesToWebSocket.Add(result.BytesToWebSocket);
            RelayMetrics.BytesFromWebSocket.Add(result.BytesFromWebSocket);
            RelayMetrics.SessionDuration.Record(elapsed.TotalSeconds);
            SessionLog.SessionEnded(Logger, id, start.Remote, start.Route, (long)elapsed.TotalMilliseconds, result.BytesToWebSocket, result.BytesFromWebSocket, result);
        }
        catch (Exception ex)
        {
            SessionLog.SessionFailed(Logger, id, ex);
            client.Dispose();
        }
        finally
        {
            if (admitted)
            {
                Limiter?.Exit();
            }

            lock (_gate)
            {
                _active--;
                if (_draining && _active == 0)
                {
                    _drained.TrySetResult();
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(DrainTimeout).ConfigureAwait(false);
        _sessionsStopping.Dispose();
        GC.SuppressFinalize(this);
    }
}
