using System.Net;
using System.Net.Sockets;

namespace Relay.Load.Tests;

/// <summary>A TCP target that sends <see cref="Bytes"/> bytes to each connection, then half-closes: a download source.</summary>
internal sealed class SourceServer : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public SourceServer(long bytes)
    {
        Bytes = bytes;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        _accepting = AcceptAsync();
    }

    public long Bytes { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            _ = SendAsync(client);
        }
    }

    private async Task SendAsync(Socket client)
    {
        using (client)
        {
            var buffer = new byte[64 * 1024];
            try
            {
                for (var left = Bytes; left > 0; left -= buffer.Length)
                {
                    await client.SendAsync(buffer.AsMemory(0, (int)Math.Min(left, buffer.Length)), SocketFlags.None, _stop.Token);
                }

                client.Shutdown(SocketShutdown.Send);
                while (await client.ReceiveAsync(buffer, SocketFlags.None, _stop.Token) > 0)
                {
                }
            }
            catch (Exception)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accepting;
        _stop.Dispose();
    }
}
