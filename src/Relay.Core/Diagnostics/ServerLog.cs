using Microsoft.Extensions.Logging;

namespace Relay.Core.Diagnostics;

/// <summary>Log lines of the server as a whole (relay serve): start, configuration, stop.</summary>
public static partial class ServerLog
{
    [LoggerMessage(EventId = 20, EventName = "ServerStopped", Level = LogLevel.Information, Message = "stopped: every session has ended")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 21, EventName = "ServerStarted", Level = LogLevel.Information, Message = "relay serve ready: {Listeners} listeners, {Routes}, session cap {MaxSessions}, drain timeout {DrainSeconds} s")]
    public static partial void Started(ILogger logger, int listeners, string routes, int maxSessions, double drainSeconds);

    [LoggerMessage(EventId = 23, EventName = "ServerFailed", Level = LogLevel.Critical, Message = "relay serve failed")]
    public static partial void Failed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 24, EventName = "MetricsListenFailed", Level = LogLevel.Critical, Message = "cannot serve metrics on {Address}: {Error}")]
    public static partial void MetricsListenFailed(ILogger logger, string address, string error);

    [LoggerMessage(EventId = 22, EventName = "StopRequested", Level = LogLevel.Information, Message = "stop requested: no longer ready, draining {Sessions} sessions")]
    public static partial void StopRequested(ILogger logger, int sessions);
}
