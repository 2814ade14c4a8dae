using System.Buffers;
using System.Net.Sockets;
using Relay.Core.Diagnostics;
using Relay.Core.Handshake;

namespace Relay.Core.Hosting;

public sealed partial class MetricsEndpoint
{
    /// <summary>After the answer, read and drop what the client still sends, up to this much, so that closing does not
    /// reset the connection before the client has read the answer.</summary>
    private const int MaxLingerBytes = 64 * 1024;

    private static readonly TimeSpan s_lingerTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Reads one request head, answers it, closes. Every path ends within the request timeout plus the linger.</summary>
    private async Task ServeConnectionAsync(Socket socket, bool overCapacity)
    {
        var remote = socket.RemoteEndPoint?.ToString() ?? "unknown";
        var buffer = ArrayPool<byte>.Shared.Rent(MaxRequestHeadLength);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_connectionsStopping.Token);
        deadline.CancelAfter(_requestTimeout);
        try
        {
            socket.NoDelay = true;
            var includeBody = true;
            MetricsResponse response;
            if (overCapacity)
            {
                response = Refuse(remote, 503, "Service Unavailable", "too many concurrent requests");
            }
            else
            {
                int headLength;
                try
                {
                    headLength = await ReadHeadAsync(socket, buffer, deadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!_connectionsStopping.IsCancellationRequested)
                {
                    // The slow-loris bound: the head did not arrive in time. Answer briefly on a fresh bound, then close.
                    await TrySendAsync(socket, Refuse(remote, 408, "Request Timeout", "request head not received in time").Serialize(includeBody: true)).ConfigureAwait(false);
                    return;
                }

                if (headLength == 0)
                {
                    return; // The client closed before sending a whole head: nobody to answer.
                }

                if (headLength < 0)
                {
                    response = Refuse(remote, 431, "Request Header Fields Too Large", "request head too large");
                }
                else
                {
                    var head = HttpHead.TryParse(buffer.AsSpan(0, headLength));
                    includeBody = head?.Part1 != "HEAD";
                    response = await AnswerAsync(head, remote, deadline.Token).ConfigureAwait(false);
                }
            }

            await socket.SendAsync(response.Serialize(includeBody), SocketFlags.None, deadline.Token).ConfigureAwait(false);
            await LingerAsync(socket, buffer).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping, or the answer could not be sent within the bound: close.
        }
        catch (SocketException ex)
        {
            MetricsEndpointLog.ConnectionFailed(_logger, remote, ex.Message);
        }
        catch (Exception ex)
        {
            // A bug (or an isReady callback that throws): this connection is dropped, the endpoint keeps serving, and
            // the log says why, since nobody observes this task.
            MetricsEndpointLog.RequestFailed(_logger, remote, ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            socket.Dispose();
            ExitConnection();
        }
    }

    /// <summary>
    /// Receives until the blank line that ends a request head. Returns the head's length, 0 when the client closed
    /// first, or -1 when <see cref="MaxRequestHeadLength"/> bytes arrived without one.
    /// </summary>
    private static async Task<int> ReadHeadAsync(Socket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        var received = 0;
        while (received < MaxRequestHeadLength)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(received, MaxRequestHeadLength - received), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return 0;
            }

            // CRLFCRLF may straddle two reads: search from three bytes before the new ones.
            var searchFrom = Math.Max(0, received - 3);
            received += read;
            var end = HttpHead.FindEnd(buffer.AsSpan(searchFrom, received - searchFrom));
            if (end >= 0)
            {
                return searchFrom + end;
            }
        }

        return -1;
    }

    private async Task<MetricsResponse> AnswerAsync(HttpHead? head, string remote, CancellationToken cancellationToken)
    {
        if (head is null || !head.Part3.StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            return Refuse(remote, 400, "Bad Request", "malformed HTTP/1.1 request");
        }

        var target = head.Part2;
        var query = target.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? target : target[..query];
        if (path is not (HealthPath or ReadyPath or MetricsPath))
        {
            return Refuse(remote, 404, "Not Found", $"not found: try {HealthPath}, {ReadyPath} or {MetricsPath}");
        }

        if (head.Part1 is not ("GET" or "HEAD"))
        {
            var refusal = Refuse(remote, 405, "Method Not Allowed", "use GET or HEAD");
            return refusal with { Allow = "GET, HEAD" };
        }

        switch (path)
        {
            case HealthPath:
                return MetricsResponse.Text(200, "OK", "ok");
            case ReadyPath:
                return _isReady() ? MetricsResponse.Text(200, "OK", "ready") : MetricsResponse.Text(503, "Service Unavailable", "draining");
            default:
                try
                {
                    var body = await _exposition.CollectAsync(cancellationToken).ConfigureAwait(false);
                    return new MetricsResponse(200, "OK", MetricsResponse.PrometheusContentType, body);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    MetricsEndpointLog.ScrapeFailed(_logger, ex);
                    return MetricsResponse.Text(503, "Service Unavailable", "metrics collection failed");
                }
        }
    }

    private MetricsResponse Refuse(string remote, int status, string reason, string body)
    {
        MetricsEndpointLog.RequestRefused(_logger, remote, status, body);
        return MetricsResponse.Text(status, reason, body);
    }

    /// <summary>Half-closes, then drops what the client still sends until it closes, within a bound in bytes and time.</summary>
    private async Task LingerAsync(Socket socket, byte[] buffer)
    {
        using var linger = CancellationTokenSource.CreateLinkedTokenSource(_connectionsStopping.Token);
        linger.CancelAfter(s_lingerTimeout);
        try
        {
            socket.Shutdown(SocketShutdown.Send);
            var dropped = 0;
            while (dropped < MaxLingerBytes)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, linger.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                dropped += read;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException)
        {
            // The client neither closed nor stopped sending in time: close regardless.
        }
    }

    private async Task TrySendAsync(Socket socket, byte[] bytes)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(_connectionsStopping.Token);
        bound.CancelAfter(s_lingerTimeout);
        try
        {
            await socket.SendAsync(bytes, SocketFlags.None, bound.Token).ConfigureAwait(false);
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException)
        {
        }
    }
}
