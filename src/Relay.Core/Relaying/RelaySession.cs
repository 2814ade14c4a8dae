using Microsoft.Extensions.ObjectPool;
using Relay.Core.Framing;
using Relay.Core.Transport;

namespace Relay.Core.Relaying;

/// <summary>
/// One relayed connection: a WebSocket on one side (<see cref="_webSocket"/>, a byte endpoint carrying frames), a
/// plain byte stream on the other. Two directions run at once; this class is their one owner: it takes the first
/// ending as the close reason, applies the EOF rules of DESIGN.md §3, and disposes both endpoints exactly once.
/// </summary>
/// <remarks>
/// Instances are pooled (<see cref="s_pool"/>): the send lock and the small control-frame buffer live as long as the
/// process and are reused by the next session.
/// </remarks>
public sealed partial class RelaySession : IResettable, IDisposable
{
    private static readonly ObjectPool<RelaySession> s_pool =
        new DefaultObjectPool<RelaySession>(new DefaultPooledObjectPolicy<RelaySession>(), Environment.ProcessorCount * 64);

    // Serialises writes to the WebSocket: data frames (to-WebSocket direction), pongs and close echoes
    // (from-WebSocket direction) and pings (keepalive timer). Uncontended WaitAsync completes synchronously.
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    // Control frames are built here, under the send lock: header (at most 6 bytes masked) + 125 bytes of payload.
    private readonly byte[] _controlFrame = new byte[FrameReader.MaxControlPayloadLength + FrameReader.MaxHeaderLength];

    private ByteEndpoint _webSocket = null!;
    private ByteEndpoint _bytes = null!;
    private RelayOptions _options = null!;
    private WebSocketRole _role;
    private CancellationTokenSource _cts = null!;
    private CancellationToken _stopping;

    private long _bytesToWebSocket;
    private long _bytesFromWebSocket;
    private volatile bool _closeSent;
    private ushort _closeSentCode;
    private long _closeSentAt; // TimeProvider timestamp at which our Close had left, 0 before
    private volatile bool _closeReceived;
    private ushort _closeReceivedCode;
    private string _closeReason = string.Empty;
    private int _failure = NoFailure;
    private bool _peerClosedFirst;

    private const int NoFailure = -1;

    /// <summary>
    /// Relays until the session ends and returns how it ended. Takes ownership of both endpoints and disposes them.
    /// </summary>
    /// <param name="webSocket">The connection that carries WebSocket frames, after the opening handshake.</param>
    /// <param name="role">Our role on <paramref name="webSocket"/>: a client masks what it sends, a server unmasks.</param>
    /// <param name="bytes">The plain byte side: target socket or stdio.</param>
    /// <param name="webSocketPrefix">Bytes already read from <paramref name="webSocket"/> behind the handshake.</param>
    public static Task<SessionResult> RunAsync(
        ByteEndpoint webSocket,
        WebSocketRole role,
        ByteEndpoint bytes,
        ReadOnlyMemory<byte> webSocketPrefix,
        RelayOptions options,
        CancellationToken cancellationToken)
    {
        var session = s_pool.Get();
        session.Start(webSocket, role, bytes, options, cancellationToken);
        return session.RunCoreAsync(webSocketPrefix);
    }

    private void Start(ByteEndpoint webSocket, WebSocketRole role, ByteEndpoint bytes, RelayOptions options, CancellationToken cancellationToken)
    {
        _webSocket = webSocket;
        _bytes = bytes;
        _role = role;
        _options = options;
        _stopping = cancellationToken;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _lastInbound = options.TimeProvider.GetTimestamp();
        _lastData = _lastInbound;
    }

    /// <summary>Clears per-session state before the pool hands this instance out again.</summary>
    public bool TryReset()
    {
        _webSocket = null!;
        _bytes = null!;
        _options = null!;
        _cts = null!;
        _stopping = default;
        _bytesToWebSocket = 0;
        _bytesFromWebSocket = 0;
        _closeSent = false;
        _closeSentCode = 0;
        _closeSentAt = 0;
        _closeReceived = false;
        _closeReceivedCode = 0;
        _closeReason = string.Empty;
        _failure = NoFailure;
        _peerClosedFirst = false;
        _lastInbound = 0;
        _lastData = 0;
        _pingSentAt = 0;
        _silentSince = 0;
        _pingInFlight = 0;
        _pingTask = null;
        return _sendLock.CurrentCount == 1;
    }

    /// <summary>Called by the pool when it drops an instance it has no room for.</summary>
    public void Dispose() => _sendLock.Dispose();

    /// <summary>Records the first failure; later ones do not replace it.</summary>
    private void Fail(SessionEnding ending) => Interlocked.CompareExchange(ref _failure, (int)ending, NoFailure);

    private SessionResult BuildResult()
    {
        var ending = _failure != NoFailure ? (SessionEnding)_failure : (_closeReceived && _closeReceivedCode is not (CloseStatus.NormalClosure or CloseStatus.GoingAway or CloseStatus.NoStatusReceived)
            ? SessionEnding.PeerClosedWithError
            : SessionEnding.Normal);
        return new SessionResult(
            ending,
            _bytesToWebSocket,
            _bytesFromWebSocket,
            _closeSent ? _closeSentCode : null,
            _closeReceived ? _closeReceivedCode : null,
            _closeReason,
            PeerClosedFirst: _closeReceived && _peerClosedFirst);
    }
}
