namespace Relay.Soak.Client;

/// <summary>The end of a session as the client must see it: a Close with a given code, then EOF.</summary>
public static class CloseExpectation
{
    /// <summary>
    /// Reads the next events: no more data, a Close with <paramref name="code"/>, then EOF. When
    /// <paramref name="answer"/>, replies to the Close with the same code before awaiting EOF. Returns null when all
    /// happened, else what happened instead.
    /// </summary>
    public static async Task<string?> CloseThenEofAsync(SoakClient client, ushort code, bool answer, CancellationToken cancellationToken)
    {
        var closing = await client.ReceiveAsync(cancellationToken);
        if (closing.Kind != WsEventKind.Close)
        {
            return $"expected Close {code}, got {closing} (client port {client.LocalPort})";
        }

        if (closing.CloseCode != code)
        {
            return $"expected Close {code}, got Close {closing.CloseCode} (client port {client.LocalPort})";
        }

        if (answer)
        {
            await client.SendCloseAsync(code, cancellationToken);
        }

        return await EofAsync(client, cancellationToken);
    }

    /// <summary>The next event must be EOF (the relay closing the TCP connection).</summary>
    public static async Task<string?> EofAsync(SoakClient client, CancellationToken cancellationToken)
    {
        var end = await client.ReceiveAsync(cancellationToken);
        return end.Kind switch
        {
            WsEventKind.Eof => null,
            WsEventKind.Reset => $"the relay reset the connection (RST) after a complete close handshake instead of closing it (FIN) (client port {client.LocalPort})",
            _ => $"expected EOF after the close handshake, got {end} (client port {client.LocalPort})",
        };
    }
}
