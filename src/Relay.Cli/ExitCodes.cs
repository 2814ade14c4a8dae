namespace Relay.Cli;

/// <summary>The one place for exit codes (DESIGN.md §5).</summary>
internal static class ExitCodes
{
    /// <summary>The session ended normally, or a server was stopped by a signal.</summary>
    public const int Success = 0;

    /// <summary>A runtime failure: connection refused, upgrade refused, session ended abnormally.</summary>
    public const int Failure = 1;

    /// <summary>A usage error: bad or unsupported options or specifiers.</summary>
    public const int Usage = 2;
}
