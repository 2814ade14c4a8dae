namespace Relay.Cli;

/// <summary>What a command line means: options to run with, a benchmark to run, text to print (help, version), or a usage error.</summary>
internal abstract record ParseOutcome
{
    internal sealed record Run(CliOptions Options) : ParseOutcome;

    internal sealed record Bench(BenchOptions Options) : ParseOutcome;

    /// <summary><c>relay serve …</c>: the production server (issue 5).</summary>
    internal sealed record Serve(ServeOptions Options) : ParseOutcome;

    internal sealed record Print(string Text) : ParseOutcome;

    internal sealed record UsageError(string Message) : ParseOutcome;
}
