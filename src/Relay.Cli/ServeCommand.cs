namespace Relay.Cli;

/// <summary>Runs <c>relay serve</c> (issue 5). Placeholder until the server lands.</summary>
internal static class ServeCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        _ = args;
        await Console.Error.WriteLineAsync("relay: serve is not implemented yet").ConfigureAwait(false);
        return ExitCodes.Failure;
    }
}
