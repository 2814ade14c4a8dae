using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Relay.Core.Diagnostics;
using Relay.Core.Relaying;

namespace Relay.Core.Hosting;

/// <summary>
/// A listening socket with an accept loop and the set of sessions it started. Stopping has two phases (Kestrel's
/// connection-manager shutdown): stop accepting, then ask the sessions to end and wait for them within a bound.
/// </summary>
public abstract class RelayListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _sessionsStopping = new();
    private readonly object _gate = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _active;
    private bool _stopping;
    private long _nextId;

    private readonly RelayOptions _options;

    protected RelayListener(EndPoint endPoint, RelayOptions options, ILogger logger)
    {
        Logger = logger;
        _options = options;
        _socket = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint is IPEndPoint)
            {
                _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            }

            _socket.Bind(endPoint);
            _socket.Listen(1024);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
    }

    protected ILogger Logger { get; }

    /// <summary>The bound address (with the real port when 0 was asked for).</summary>
    public EndPoint LocalEndPoint => _socket.LocalEndPoint!;

    /// <summary>Sessions running now.</summary>
    public int ActiveSessions => Volatile.Read(ref _active);

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

                _ = RunSessionAsync(client, Interlocked.Increment(ref _nextId));
            }
        }
        finally
        {
            await StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
    }

    /// <summary>Stops accepting, asks running sessions to end, and waits for them for at most <paramref name="drainTimeout"/>.</summary>
    public async Task StopAsync(TimeSpan drainTimeout)
    {
        _socket.Dispose();
        lock (_gate)
        {
            _stopping = true;
            if (_active == 0)
            {
                _drained.TrySetResult();
            }
        }

        await _sessionsStopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _drained.Task.WaitAsync(drainTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }

    /// <summary>
    /// Turns one accepted connection into a session: the handshake, dialling the other side, refusing with the
    /// right answer. Owns <paramref name="client"/>: returns the session's start, or null after closing it.
    /// </summary>
    protected abstract Task<SessionStart?> AcceptAsync(Socket client, long id, CancellationToken stopping);

    /// <summary>
    /// One connection from accept to the end of its session, with the bookkeeping every listener does: start and
    /// end log lines, the session metrics. The accept step's state is gone once the session runs.
    /// </summary>
    private async Task RunSessionAsync(Socket client, long id)
    {
        // Leave the accept loop at once: the handshake and the session run on the pool.
        await Task.Yield();
        try
        {
            if (await AcceptAsync(client, id, _sessionsStopping.Token).ConfigureAwait(false) is not { } start)
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
            SessionLog.SessionEnded(Logger, id, start.Remote, (long)elapsed.TotalMilliseconds, result.BytesToWebSocket, result.BytesFromWebSocket, result);
        }
        catch (Exception ex)
        {
            SessionLog.SessionFailed(Logger, id, ex);
            client.Dispose();
        }
        finally
        {
            lock (_gate)
            {
                _active--;
                if (_stopping && _active == 0)
                {
                    _drained.TrySetResult();
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _sessionsStopping.Dispose();
        GC.SuppressFinalize(this);
    }
}
