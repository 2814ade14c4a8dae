namespace Relay.Soak.Client;

/// <summary>One thing the client read. <see cref="Data"/> is valid only until the next receive.</summary>
public readonly record struct WsEvent(WsEventKind Kind, ReadOnlyMemory<byte> Data, ushort CloseCode)
{
    public override string ToString() => Kind switch
    {
        WsEventKind.Data => $"{Data.Length} data bytes",
        WsEventKind.Close => $"Close {CloseCode}",
        _ => Kind.ToString(),
    };
}
