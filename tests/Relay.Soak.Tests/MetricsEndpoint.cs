using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Relay.Soak.Tests;

/// <summary>
/// A real HTTP endpoint on loopback serving Prometheus text at /metrics: request n (from 0) gets <c>body(n)</c>.
/// One connection per request (Connection: close), as small as the monitor's scrapes need.
/// </summary>
public sealed class MetricsEndpoint : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<int, string> _body;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _requests;

    public MetricsEndpoint(Func<int, string> body)
    {
        _body = body;
        _listener.Start();
        _accepting = AcceptAsync(_stop.Token);
    }

    public Uri Base => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    public int Requests => Volatile.Read(ref _requests);

    public static string Gauge(long active) =>
        "# TYPE relay_sessions_active gauge\n# HELP relay_sessions_active Sessions currently relaying\n" +
        $"relay_sessions_active{{}} {active}\n# TYPE relay_sessions_total counter\nrelay_sessions_total{{}} 42\n";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            using var client = await _listener.AcceptTcpClientAsync(cancellationToken);
            var stream = client.GetStream();
            var head = new StringBuilder();
            var buffer = new byte[4096];
            while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                head.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            var path = head.ToString().Split(' ') is [_, var target, ..] ? target : "";
            var index = Interlocked.Increment(ref _requests) - 1;
            var body = path == "/metrics" ? Encoding.UTF8.GetBytes(_body(index)) : [];
            var status = path == "/metrics" ? "200 OK" : "404 Not Found";
            var response = $"HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(response), cancellationToken);
            await stream.WriteAsync(body, cancellationToken);
        }
    }
}
