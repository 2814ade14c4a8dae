namespace Relay.Cli;

/// <summary><c>relay ssh-config HOST-PATTERN URL-TEMPLATE</c> (issue 5). Placeholder until it lands.</summary>
internal static class SshConfigCommand
{
    public static ParseOutcome Parse(string[] args) =>
        args.Length == 2 ? new ParseOutcome.Print(string.Empty) : CommandLine.Usage("usage: relay ssh-config HOST-PATTERN URL-TEMPLATE");
}
