using System.Globalization;
using Relay.Testing;

namespace Relay.Cli.Tests;

/// <summary>
/// A plain ws:// forwarder needs no cryptography library: the handshake's SHA-1 is Relay's own (Handshake/Sha1.cs).
/// With .NET's SHA1 the first handshake mapped OpenSSL's libcrypto, 3.8 MiB resident in every sandbox's relay.
/// </summary>
public sealed class ForwarderFootprintTests(RelayBinaryFixture binary) : IClassFixture<RelayBinaryFixture>
{
    [Fact]
    public async Task Forwarder_AfterAHandshakeAndAnEcho_HasNotLoadedOpenSsl()
    {
        Assert.NotEmpty(binary.Path);
        var timeout = Loopback.Timeout(20);
        var port = Loopback.FreePort();
        await using var relay = await RelayBinary.StartListeningAsync(timeout, "-b", $"ws-l:127.0.0.1:{port}", "echo:");

        await WebSocketEcho.AssertOneEchoAsync(port, timeout);

        var maps = await File.ReadAllLinesAsync($"/proc/{relay.Process.Id.ToString(CultureInfo.InvariantCulture)}/maps", timeout);
        Assert.Contains(maps, line => line.Contains("libc.so", StringComparison.Ordinal));
        Assert.DoesNotContain(maps, line => line.Contains("libcrypto", StringComparison.Ordinal) || line.Contains("libssl", StringComparison.Ordinal));
    }
}
