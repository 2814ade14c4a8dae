namespace Relay.Fuzz;

/// <summary>A broken invariant: the harness throws it so that afl-fuzz records the input as a crash.</summary>
internal sealed class InvariantException(string message) : Exception(message);
