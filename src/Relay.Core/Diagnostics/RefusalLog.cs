using Microsoft.Extensions.Logging;

namespace Relay.Core.Diagnostics;

/// <summary>
/// The log lines a stranger on the internet can cause: refused upgrades, failed TLS handshakes, an unreachable target.
/// Each says why, but together they pass through one <see cref="LogRateLimiter"/>, so a flood of bad requests cannot
/// fill the disk; the first line after a quiet spell says how many were left out.
/// </summary>
public sealed partial class RefusalLog
{
    private readonly LogRateLimiter _limiter;

    public RefusalLog(LogRateLimiter limiter) => _limiter = limiter;

    /// <summary>One limiter for the whole process.</summary>
    public static RefusalLog Shared { get; } = new(new LogRateLimiter());

    public void Refused(ILogger logger, long id, string remote, int status, string reason)
    {
        if (logger.IsEnabled(LogLevel.Information) && _limiter.TryAcquire(out var suppressed))
        {
            Report(logger, suppressed);
            HandshakeRefused(logger, id, remote, status, reason);
        }
    }

    public void TlsFailed(ILogger logger, long id, string remote, string error)
    {
        if (logger.IsEnabled(LogLevel.Information) && _limiter.TryAcquire(out var suppressed))
        {
            Report(logger, suppressed);
            TlsHandshakeFailed(logger, id, remote, error);
        }
    }

    public void TargetUnreachable(ILogger logger, long id, string target, string error)
    {
        if (logger.IsEnabled(LogLevel.Warning) && _limiter.TryAcquire(out var suppressed))
        {
            Report(logger, suppressed);
            TargetUnreachableLine(logger, id, target, error);
        }
    }

    private static void Report(ILogger logger, long suppressed)
    {
        if (suppressed > 0)
        {
            Suppressed(logger, suppressed);
        }
    }

    [LoggerMessage(EventId = 12, EventName = "RefusalsSuppressed", Level = LogLevel.Warning, Message = "{Suppressed} refusal lines were left out to keep the log small")]
    private static partial void Suppressed(ILogger logger, long suppressed);

    [LoggerMessage(EventId = 4, EventName = "HandshakeRefused", Level = LogLevel.Information, Message = "connection {SessionId} from {Remote} refused with {Status}: {Reason}")]
    private static partial void HandshakeRefused(ILogger logger, long sessionId, string remote, int status, string reason);

    [LoggerMessage(EventId = 11, EventName = "TlsHandshakeFailed", Level = LogLevel.Information, Message = "connection {SessionId} from {Remote}: TLS handshake failed: {Error}")]
    private static partial void TlsHandshakeFailed(ILogger logger, long sessionId, string remote, string error);

    [LoggerMessage(EventId = 5, EventName = "TargetUnreachable", Level = LogLevel.Warning, Message = "connection {SessionId}: target {Target} unreachable: {Error}")]
    private static partial void TargetUnreachableLine(ILogger logger, long sessionId, string target, string error);
}
