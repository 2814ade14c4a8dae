namespace Relay.Soak.Target;

/// <summary>What the target saw of one session: payload bytes read after the preamble, their SHA-256, and whether the
/// read side ended with a reset (or error) rather than EOF.</summary>
public sealed record TargetReport(long BytesRead, byte[] Sha256, bool Reset, string? Error);
