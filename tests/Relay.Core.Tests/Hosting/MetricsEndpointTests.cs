using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Relay.Core.Hosting;
using Relay.Testing;

namespace Relay.Core.Tests.Hosting;

/// <summary>Health, readiness, routing and shutdown of the endpoint, over real HTTP on loopback.</summary>
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Healthz_Get_Returns200Ok()
    {
        await using var server = Server.Start();

        using var response = await server.Client.GetAsync(MetricsEndpoint.HealthPath, Loopback.Timeout());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok\n", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Readyz_IsReadyFlips_Returns200ThenDraining503()
    {
        var ready = true;
        await using var server = Server.Start(() => Volatile.Read(ref ready));

        using var before = await server.Client.GetAsync(MetricsEndpoint.ReadyPath, Loopback.Timeout());
        Volatile.Write(ref ready, false);
        using var after = await server.Client.GetAsync(MetricsEndpoint.ReadyPath, Loopback.Timeout());
        using var health = await server.Client.GetAsync(MetricsEndpoint.HealthPath, Loopback.Timeout());

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal("ready\n", await before.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, after.StatusCode);
        Assert.Equal("draining\n", await after.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, health.StatusCode); // Draining is not dead: liveness stays up.
    }

    [Fact]
    public async Task Readyz_IsReadyThrows_DropsThatRequestAndKeepsServing()
    {
        await using var server = Server.Start(() => throw new InvalidOperationException("broken callback"));

        await Assert.ThrowsAsync<HttpRequestException>(() => server.Client.GetAsync(MetricsEndpoint.ReadyPath, Loopback.Timeout()));
        using var health = await server.Client.GetAsync(MetricsEndpoint.HealthPath, Loopback.Timeout());

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/health")]
    [InlineData("/metrics/extra")]
    [InlineData("/healthz/")]
    public async Task UnknownPath_Get_Returns404(string path)
    {
        await using var server = Server.Start();

        using var response = await server.Client.GetAsync(path, Loopback.Timeout());

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("POST", MetricsEndpoint.MetricsPath)]
    [InlineData("PUT", MetricsEndpoint.HealthPath)]
    [InlineData("DELETE", MetricsEndpoint.ReadyPath)]
    public async Task KnownPath_OtherMethod_Returns405WithAllow(string method, string path)
    {
        await using var server = Server.Start();

        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("x") };
        using var response = await server.Client.SendAsync(request, Loopback.Timeout());

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["GET", "HEAD"], response.Content.Headers.Allow.Order());
    }

    [Fact]
    public async Task Healthz_Head_ReturnsHeadersWithoutBody()
    {
        await using var server = Server.Start();

        var response = await RawHttp.ExchangeAsync(server.Endpoint.LocalEndPoint, "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response, StringComparison.Ordinal);
        Assert.Contains("Content-Length: 3\r\n", response, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthz_QueryString_IsIgnored()
    {
        await using var server = Server.Start();

        using var response = await server.Client.GetAsync(MetricsEndpoint.HealthPath + "?verbose=1", Loopback.Timeout());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Request_NotHttp_Returns400()
    {
        await using var server = Server.Start();

        var response = await RawHttp.ExchangeAsync(server.Endpoint.LocalEndPoint, "HELLO\r\n\r\n"u8.ToArray());

        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Cancelled_CompletesAndClosesTheListener()
    {
        var server = Server.Start();
        var endPoint = server.Endpoint.LocalEndPoint;

        await server.Stopping.CancelAsync();
        await server.Run.WaitAsync(TimeSpan.FromSeconds(10));

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var refused = await Assert.ThrowsAsync<SocketException>(() => socket.ConnectAsync(endPoint, Loopback.Timeout()).AsTask());
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Healthz_ListeningOnIPv6Any_AnswersOverIPv4Too()
    {
        await using var endpoint = new MetricsEndpoint(new IPEndPoint(IPAddress.IPv6Any, 0), () => true, NullLogger.Instance);
        using var stopping = new CancellationTokenSource();
        var run = endpoint.RunAsync(stopping.Token);
        var port = ((IPEndPoint)endpoint.LocalEndPoint).Port;

        var answer = await RawHttp.ExchangeAsync(new IPEndPoint(IPAddress.Loopback, port), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", answer, StringComparison.Ordinal);
        await stopping.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Constructor_PortInUse_Throws()
    {
        await using var server = Server.Start();

        var taken = Assert.Throws<SocketException>(() => new MetricsEndpoint(server.Endpoint.LocalEndPoint, () => true, NullLogger.Instance));

        Assert.Equal(SocketError.AddressAlreadyInUse, taken.SocketErrorCode);
    }

    /// <summary>A <see cref="MetricsEndpoint"/> on 127.0.0.1:0, running, with an <see cref="HttpClient"/> pointed at it.</summary>
    internal sealed class Server : IAsyncDisposable
    {
        private Server(MetricsEndpoint endpoint)
        {
            Endpoint = endpoint;
            Run = endpoint.RunAsync(Stopping.Token);
            Client = new HttpClient(new SocketsHttpHandler { UseProxy = false })
            {
                BaseAddress = new Uri($"http://{endpoint.LocalEndPoint}"),
                Timeout = TimeSpan.FromSeconds(30),
            };
        }

        public MetricsEndpoint Endpoint { get; }

        public CancellationTokenSource Stopping { get; } = new();

        public Task Run { get; }

        public HttpClient Client { get; }

        public static Server Start(Func<bool>? isReady = null, TimeSpan? requestTimeout = null)
        {
            var endpoint = new MetricsEndpoint(
                new IPEndPoint(IPAddress.Loopback, 0), isReady ?? (() => true), NullLogger.Instance, requestTimeout ?? MetricsEndpoint.DefaultRequestTimeout);
            return new Server(endpoint);
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await Stopping.CancelAsync();
            await Run.WaitAsync(TimeSpan.FromSeconds(15));
            await Endpoint.DisposeAsync();
            Stopping.Dispose();
        }
    }

    /// <summary>Writes raw bytes as a request and reads the whole answer until the endpoint closes.</summary>
    internal static class RawHttp
    {
        public static async Task<string> ExchangeAsync(EndPoint endPoint, byte[] request, double timeoutSeconds = 30)
        {
            using var socket = await ConnectAsync(endPoint);
            await socket.SendAsync(request, SocketFlags.None, Loopback.Timeout(timeoutSeconds));
            return await ReadToEndAsync(socket, timeoutSeconds);
        }

        public static async Task<Socket> ConnectAsync(EndPoint endPoint)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(endPoint, Loopback.Timeout());
            return socket;
        }

        /// <summary>Reads until EOF; a reset after the answer counts as its end.</summary>
        public static async Task<string> ReadToEndAsync(Socket socket, double timeoutSeconds = 30)
        {
            var token = Loopback.Timeout(timeoutSeconds);
            var received = new MemoryStream();
            var buffer = new byte[4096];
            while (true)
            {
                int read;
                try
                {
                    read = await socket.ReceiveAsync(buffer, SocketFlags.None, token);
                }
                catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset && received.Length > 0)
                {
                    break;
                }

                if (read == 0)
                {
                    break;
                }

                received.Write(buffer, 0, read);
            }

            return System.Text.Encoding.ASCII.GetString(received.ToArray());
        }
    }
}
