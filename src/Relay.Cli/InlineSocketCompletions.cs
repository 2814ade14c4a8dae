namespace Relay.Cli;

/// <summary>
/// Runs socket continuations on the socket engine's event threads instead of handing each one to the thread pool.
/// </summary>
/// <remarks>
/// A relay's continuations are short (unmask, then a send that completes at once), so the hop to the thread pool costs
/// more than the work it carries: a thread wake-up and a context switch per read. .NET reads the switch
/// (<c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c>) from the environment once, when the first socket
/// operation starts its engines, so setting it first thing in Main is in time. A value the user set, such as 0, wins.
/// Relay.Core keeps a busy direction from holding an event thread (<c>BusyTurns</c>).
/// </remarks>
internal static class InlineSocketCompletions
{
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static void Enable()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }
    }
}
