namespace Relay.Cli;

/// <summary><c>relay serve</c>'s command line (issue 5). Placeholder until the server lands.</summary>
internal static class ServeCommandLine
{
    public static ParseOutcome Parse(string[] args) => new ParseOutcome.Serve(args);
}
