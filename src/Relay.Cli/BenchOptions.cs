using Relay.Load;

namespace Relay.Cli;

/// <summary>What <c>relay bench</c> runs: the load options, where to write the JSON result, and how much to say.</summary>
internal sealed record BenchOptions(LoadOptions Load, string? JsonPath, bool Quiet);
