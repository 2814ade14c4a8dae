using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;

namespace Relay.Testing;

/// <summary>
/// A WebSocket server on 127.0.0.1 for client tests, ws:// or (with a certificate) wss://, optionally requiring a
/// client certificate. It accepts connections, runs TLS and reads the upgrade request, then hands each one to the
/// test as a <see cref="ClientTestExchange"/>, which answers as the test wants: a refusal, System.Net.WebSockets, or
/// a raw frame peer.
/// </summary>
public sealed class ClientTestServer : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly X509Certificate2? _certificate;
    private readonly bool _requireClientCertificate;
    private readonly Channel<ClientTestExchange> _exchanges = Channel.CreateUnbounded<ClientTestExchange>();
    private readonly List<ClientTestExchange> _all = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;

    public ClientTestServer(X509Certificate2? certificate = null, bool requireClientCertificate = false)
    {
        _certificate = certificate;
        _requireClientCertificate = requireClientCertificate;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    /// <summary>ws://127.0.0.1:PORT/PATH or wss://… when the server has a certificate.</summary>
    public string Url(string path = "/") => $"{(_certificate is null ? "ws" : "wss")}://127.0.0.1:{Port}{path}";

    /// <summary>The next connection whose upgrade request has been read.</summary>
    public async Task<ClientTestExchange> NextAsync(CancellationToken cancellationToken) =>
        await _exchanges.Reader.ReadAsync(cancellationToken);

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptAsync(_stop.Token);
                socket.NoDelay = true;
                _ = HandleAsync(socket);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task HandleAsync(Socket socket)
    {
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        string? thumbprint = null;
        try
        {
            if (_certificate is not null)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = _certificate,
                    ClientCertificateRequired = _requireClientCertificate,
                    // The test checks which certificate arrived; trust is not what this server is testing.
                    RemoteCertificateValidationCallback = (_, certificate, _, _) => !_requireClientCertificate || certificate is not null,
                }, _stop.Token);
                thumbprint = ssl.RemoteCertificate is X509Certificate2 remote ? remote.Thumbprint : ssl.RemoteCertificate?.GetCertHashString();
            }

            var head = await ClientTestExchange.ReadHeadAsync(stream, _stop.Token);
            var exchange = new ClientTestExchange(socket, stream, head, thumbprint);
            lock (_all)
            {
                _all.Add(exchange);
            }

            await _exchanges.Writer.WriteAsync(exchange, _stop.Token);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException or InvalidDataException)
        {
            // A client that failed TLS or hung up: the client's own exit code tells that story.
            await stream.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _acceptLoop;
        ClientTestExchange[] all;
        lock (_all)
        {
            all = [.. _all];
        }

        foreach (var exchange in all)
        {
            await exchange.DisposeAsync();
        }

        _stop.Dispose();
    }
}
