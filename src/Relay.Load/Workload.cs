namespace Relay.Load;

/// <summary>What a load run measures.</summary>
public enum Workload
{
    /// <summary>Send <see cref="LoadOptions.Bytes"/> in messages of <see cref="LoadOptions.MessageSize"/>, then close;
    /// anything the target sends back is drained. Ends when the far side has closed too.</summary>
    Upload,
    /// <summary>Read until <see cref="LoadOptions.Bytes"/> have arrived from a target that sends (a TCP source).</summary>
    Download,
    /// <summary>Sequential round trips of <see cref="LoadOptions.MessageSize"/> bytes through an echo target.</summary>
    Rtt,
    /// <summary><see cref="LoadOptions.Connections"/> workers: connect, handshake, 32 B echo, close, again.</summary>
    Churn,
    /// <summary>Open <see cref="LoadOptions.Connections"/> sessions, check each with an echo, hold them, check again.</summary>
    Idle,
}
