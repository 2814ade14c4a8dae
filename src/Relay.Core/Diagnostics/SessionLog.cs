using Microsoft.Extensions.Logging;

namespace Relay.Core.Diagnostics;

/// <summary>Session and listener log lines. Event ids never change meaning; skipped ids are kept free on purpose.</summary>
public static partial class SessionLog
{
    [LoggerMessage(EventId = 1, EventName = "Listening", Level = LogLevel.Information, Message = "listening on {Scheme}://{Listener}, relaying to {Target}")]
    public static partial void Listening(ILogger logger, string scheme, System.Net.EndPoint listener, object target);

    [LoggerMessage(EventId = 2, EventName = "SessionStarted", Level = LogLevel.Debug, Message = "session {SessionId} from {Remote} path {Path} started")]
    public static partial void SessionStarted(ILogger logger, long sessionId, string remote, string path);

    [LoggerMessage(EventId = 3, EventName = "SessionEnded", Level = LogLevel.Information,
        Message = "session {SessionId} from {Remote} route {Route} ended after {DurationMs} ms: {BytesToWebSocket} bytes to WebSocket, {BytesFromWebSocket} bytes from WebSocket, {Reason}")]
    public static partial void SessionEnded(ILogger logger, long sessionId, string remote, string route, long durationMs, long bytesToWebSocket, long bytesFromWebSocket, Relaying.SessionResult reason);

    // Event ids 4 and 5 (refusals, unreachable target) are RefusalLog's: they pass through its rate limiter.

    [LoggerMessage(EventId = 6, EventName = "AcceptFailed", Level = LogLevel.Warning, Message = "accept on {Listener} failed: {Error}")]
    public static partial void AcceptFailed(ILogger logger, string listener, string error);

    [LoggerMessage(EventId = 7, EventName = "SessionFailed", Level = LogLevel.Error, Message = "session {SessionId} failed unexpectedly")]
    public static partial void SessionFailed(ILogger logger, long sessionId, Exception exception);

    [LoggerMessage(EventId = 9, EventName = "Draining", Level = LogLevel.Information, Message = "{Listener} stopped accepting; draining {Sessions} sessions for up to {DrainSeconds} s")]
    public static partial void Draining(ILogger logger, string listener, int sessions, double drainSeconds);

    [LoggerMessage(EventId = 10, EventName = "DrainTimedOut", Level = LogLevel.Warning, Message = "drain timeout: closing {Sessions} sessions with 1001")]
    public static partial void DrainTimedOut(ILogger logger, int sessions);

    [LoggerMessage(EventId = 8, EventName = "ClientConnectFailed", Level = LogLevel.Warning, Message = "connection {SessionId}: WebSocket {Url} failed: {Error}")]
    public static partial void ClientConnectFailed(ILogger logger, long sessionId, string url, string error);
}
