using Microsoft.Extensions.Logging;

namespace Relay.Core.Diagnostics;

/// <summary>Log lines of the health and metrics endpoint. Event ids never change meaning.</summary>
public static partial class MetricsEndpointLog
{
    [LoggerMessage(EventId = 101, EventName = "MetricsListening", Level = LogLevel.Information, Message = "health and metrics on http://{Endpoint}")]
    public static partial void Listening(ILogger logger, System.Net.EndPoint endpoint);

    [LoggerMessage(EventId = 102, EventName = "MetricsRequestRefused", Level = LogLevel.Debug, Message = "metrics request from {Remote} refused with {Status}: {Reason}")]
    public static partial void RequestRefused(ILogger logger, string remote, int status, string reason);

    [LoggerMessage(EventId = 103, EventName = "MetricsScrapeFailed", Level = LogLevel.Warning, Message = "metrics collection failed")]
    public static partial void ScrapeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 104, EventName = "MetricsConnectionFailed", Level = LogLevel.Debug, Message = "metrics connection from {Remote} failed: {Error}")]
    public static partial void ConnectionFailed(ILogger logger, string remote, string error);

    [LoggerMessage(EventId = 105, EventName = "MetricsAcceptFailed", Level = LogLevel.Warning, Message = "accept on the metrics endpoint {Endpoint} failed: {Error}")]
    public static partial void AcceptFailed(ILogger logger, System.Net.EndPoint endpoint, string error);

    [LoggerMessage(EventId = 106, EventName = "MetricsRequestFailed", Level = LogLevel.Error, Message = "metrics request from {Remote} failed unexpectedly")]
    public static partial void RequestFailed(ILogger logger, string remote, Exception exception);
}
