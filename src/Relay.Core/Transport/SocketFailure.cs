using System.Net.Sockets;

namespace Relay.Core.Transport;

/// <summary>Connect-time socket errors in the words a user expects (curl's and ssh's).</summary>
public static class SocketFailure
{
    public static string Describe(SocketException exception) => exception.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host not found",
        SocketError.TimedOut => "connection timed out",
        SocketError.NetworkUnreachable or SocketError.HostUnreachable => "network unreachable",
        SocketError.ConnectionReset => "connection reset",
        _ => exception.Message,
    };
}
