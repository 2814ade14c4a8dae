namespace Relay.Core.Hosting;

/// <summary>The client could not open its WebSocket. The message is one line for the user; <see cref="Failure"/> says
/// which step failed, and <see cref="HttpStatus"/> is set when the server answered the upgrade with something other
/// than 101.</summary>
public sealed class WebSocketConnectException : Exception
{
    public WebSocketConnectException(string message, int? httpStatus = null, Exception? inner = null)
        : this(httpStatus is null ? ConnectFailure.Connect : ConnectFailure.Upgrade, message, httpStatus, inner)
    {
    }

    public WebSocketConnectException(ConnectFailure failure, string message, int? httpStatus = null, Exception? inner = null)
        : base(message, inner)
    {
        Failure = failure;
        HttpStatus = httpStatus;
    }

    public WebSocketConnectException()
    {
    }

    public WebSocketConnectException(string message)
        : base(message)
    {
    }

    public WebSocketConnectException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ConnectFailure Failure { get; }

    public int? HttpStatus { get; }
}
