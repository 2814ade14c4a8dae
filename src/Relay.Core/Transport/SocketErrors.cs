using System.Net.Sockets;

namespace Relay.Core.Transport;

/// <summary>Socket failures classified once, for <c>catch ... when</c> at the edges.</summary>
public static class SocketErrors
{
    /// <summary>The peer or the network ended the connection: reset, aborted, broken pipe, shut down.</summary>
    public static bool IsConnectionLost(Exception exception) => exception switch
    {
        SocketException socket => socket.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted
            or SocketError.Shutdown or SocketError.NotConnected or SocketError.OperationAborted or SocketError.TimedOut
            or SocketError.NetworkReset or SocketError.HostUnreachable or SocketError.NetworkUnreachable,
        IOException io => io.InnerException is null || IsConnectionLost(io.InnerException),
        ObjectDisposedException => true,
        _ => false,
    };
}
