using Microsoft.Extensions.Logging;

namespace Relay.Cli;

/// <summary>
/// The CLI's logger: one line per event on stderr, prefixed with the time. Small on purpose: the Native AOT binary
/// needs no configuration binding, and stdout stays clean for the stdio mode's data.
/// </summary>
internal sealed class StderrLogger(LogLevel minimum) : ILogger
{
    private static readonly Lock s_write = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var line = $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {Level(logLevel)} {formatter(state, exception)}";
        if (exception is not null && minimum <= LogLevel.Debug)
        {
            line += Environment.NewLine + exception;
        }

        lock (s_write)
        {
            Console.Error.WriteLine(line);
        }
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };
}
