namespace Relay.LoadBench;

/// <summary>What the TCP target behind a relay does with each connection.</summary>
public enum TargetKind
{
    /// <summary>Reads and discards until EOF, then closes (upload).</summary>
    Sink,
    /// <summary>Sends a fixed number of bytes, then half-closes and waits for the peer to close (download).</summary>
    Source,
    /// <summary>Writes back what it reads until EOF (rtt, churn, idle).</summary>
    Echo,
}
