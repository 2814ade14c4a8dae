namespace Relay.Soak.Client;

public enum WsEventKind
{
    /// <summary>Payload of a data frame (binary or text), or part of one.</summary>
    Data,

    /// <summary>A Close frame; <see cref="WsEvent.CloseCode"/> holds its code (1005 when empty).</summary>
    Close,

    /// <summary>The TCP connection ended with FIN.</summary>
    Eof,

    /// <summary>The TCP connection was reset (or failed).</summary>
    Reset,
}
