using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Relay.Core.Diagnostics;
using Relay.Core.Framing;
using Relay.Core.Relaying;
using Relay.Core.Transport;

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

    protected RelayListener(EndPoint endPoint, ILogger logger)
    {
        Logger = logger;
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
    /// Runs one session to its end with the bookkeeping every listener does: start and end log lines, the session
    /// metrics. Takes ownership of both endpoints.
    /// </summary>
    protected async Task RelayAsync(long id, string remote, string path, ByteEndpoint webSocket, WebSocketRole role, ByteEndpoint bytes,
        ReadOnlyMemory<byte> prefix, RelayOptions options, CancellationToken stopping)
    {
        SessionLog.SessionStarted(Logger, id, remote, path);
        RelayMetrics.Sessions.Add(1);
        RelayMetrics.ActiveSessions.Add(1);
        var started = Stopwatch.GetTimestamp();
        SessionResult result;
        try
        {
            result = await RelaySession.RunAsync(webSocket, role, bytes, prefix, options, stopping).ConfigureAwait(false);
        }
        finally
        {
            RelayMetrics.ActiveSessions.Add(-1);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        RelayMetrics.BytesToWebSocket.Add(result.BytesToWebSocket);
        RelayMetrics.BytesFromWebSocket.Add(result.BytesFromWebSocket);
        RelayMetrics.SessionDuration.Record(elapsed.TotalSeconds);
        SessionLog.SessionEnded(Logger, id, remote, (long)elapsed.TotalMilliseconds, result.BytesToWebSocket, result.BytesFromWebSocket, result);
    }

    /// <summary>Handles one accepted connection until its session ends. Owns <paramref name="client"/>.</summary>
    protected abstract Task HandleAsync(Socket client, long id, CancellationToken stopping);

    private async Task RunSessionAsync(Socket client, long id)
    {
        // Leave the accept loop at once: the handshake and the session run on the pool.
        await Task.Yield();
        try
        {
            await HandleAsync(client, id, _sessionsStopping.Token).ConfigureAwait(false);
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
