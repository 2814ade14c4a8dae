using Relay.Core.Transport;
using Relay.Testing;

namespace Relay.Core.Tests.Transport;

/// <summary>The in-process echo behind the echo: target: order, backpressure, EOF, cancellation, disposal.</summary>
public sealed class EchoEndpointTests
{
    [Fact]
    public async Task Write_ThenRead_ReturnsTheBytesAndCompletesTheWrite()
    {
        await using var echo = new EchoEndpoint();
        var writing = echo.WriteAsync("hello"u8.ToArray(), Loopback.Timeout());

        Assert.False(writing.IsCompleted); // no buffer of its own: the write waits for a reader
        var buffer = new byte[16];
        var read = await echo.ReadAsync(buffer, Loopback.Timeout());

        Assert.Equal("hello"u8.ToArray(), buffer[..read]);
        await writing;
    }

    [Fact]
    public async Task Read_BeforeWrite_WaitsThenGetsTheBytes()
    {
        await using var echo = new EchoEndpoint();
        var buffer = new byte[16];
        var reading = echo.ReadAsync(buffer, Loopback.Timeout());
        Assert.False(reading.IsCompleted);

        await echo.WriteAsync("abc"u8.ToArray(), Loopback.Timeout());

        Assert.Equal(3, await reading);
        Assert.Equal("abc"u8.ToArray(), buffer[..3]);
    }

    [Fact]
    public async Task Write_LargerThanReadBuffer_StaysPendingUntilEveryByteIsRead()
    {
        await using var echo = new EchoEndpoint();
        var input = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        var writing = echo.WriteAsync(input, Loopback.Timeout());
        var output = new List<byte>();
        var buffer = new byte[300];
        while (output.Count < input.Length)
        {
            Assert.False(writing.IsCompleted);
            var read = await echo.ReadAsync(buffer, Loopback.Timeout());
            output.AddRange(buffer[..read]);
        }

        await writing;
        Assert.Equal(input, output.ToArray());
    }

    [Fact]
    public async Task WaitForData_ConsumesNothing_ThenReadGetsTheBytes()
    {
        await using var echo = new EchoEndpoint();
        var waiting = echo.WaitForDataAsync(Loopback.Timeout());
        Assert.False(waiting.IsCompleted);

        var writing = echo.WriteAsync("xy"u8.ToArray(), Loopback.Timeout());
        Assert.True(await waiting > 0);
        var buffer = new byte[8];

        Assert.Equal(2, await echo.ReadAsync(buffer, Loopback.Timeout()));
        await writing;
    }

    [Fact]
    public async Task ShutdownSend_AfterPendingBytes_ReadsThemThenEof()
    {
        await using var echo = new EchoEndpoint();
        var writing = echo.WriteAsync("end"u8.ToArray(), Loopback.Timeout());
        await echo.ShutdownSendAsync();
        var buffer = new byte[8];

        Assert.Equal(3, await echo.ReadAsync(buffer, Loopback.Timeout()));
        await writing;
        Assert.Equal(0, await echo.ReadAsync(buffer, Loopback.Timeout()));
        Assert.Equal(0, await echo.WaitForDataAsync(Loopback.Timeout()));
        await Assert.ThrowsAsync<IOException>(async () => await echo.WriteAsync("more"u8.ToArray(), Loopback.Timeout()));
    }

    [Fact]
    public async Task ShutdownSend_WhileReaderWaits_CompletesItWithEof()
    {
        await using var echo = new EchoEndpoint();
        var reading = echo.ReadAsync(new byte[8], Loopback.Timeout());

        await echo.ShutdownSendAsync();

        Assert.Equal(0, await reading);
    }

    [Fact]
    public async Task Read_Cancelled_ThrowsAndALaterReadWorks()
    {
        await using var echo = new EchoEndpoint();
        using var cancel = new CancellationTokenSource();
        var reading = echo.ReadAsync(new byte[8], cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await reading);
        var writing = echo.WriteAsync("z"u8.ToArray(), Loopback.Timeout());
        Assert.Equal(1, await echo.ReadAsync(new byte[8], Loopback.Timeout()));
        await writing;
    }

    [Fact]
    public async Task Write_Cancelled_ThrowsAndDropsThePendingBytes()
    {
        await using var echo = new EchoEndpoint();
        using var cancel = new CancellationTokenSource();
        var writing = echo.WriteAsync("lost"u8.ToArray(), cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await writing);
        var reading = echo.ReadAsync(new byte[8], Loopback.Timeout());
        Assert.False(reading.IsCompleted);
        await echo.ShutdownSendAsync();
        Assert.Equal(0, await reading);
    }

    [Fact]
    public async Task Dispose_WithWaitingWriter_FailsTheWrite()
    {
        var echo = new EchoEndpoint();
        var writing = echo.WriteAsync("x"u8.ToArray(), Loopback.Timeout());

        await echo.DisposeAsync();

        await Assert.ThrowsAsync<IOException>(async () => await writing);
    }

    [Fact]
    public async Task ManyWritesAndReads_KeepOrder()
    {
        await using var echo = new EchoEndpoint();
        var input = new byte[1 << 20];
        new Random(7).NextBytes(input);
        var writer = Task.Run(async () =>
        {
            for (var offset = 0; offset < input.Length; offset += 7000)
            {
                await echo.WriteAsync(input.AsMemory(offset, Math.Min(7000, input.Length - offset)), Loopback.Timeout());
            }

            await echo.ShutdownSendAsync();
        });
        var output = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = await echo.ReadAsync(buffer, Loopback.Timeout())) > 0)
        {
            output.Write(buffer, 0, read);
        }

        await writer;
        Assert.Equal(input, output.ToArray());
    }
}
