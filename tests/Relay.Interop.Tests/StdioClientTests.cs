using System.Diagnostics;
using System.Net.WebSockets;
using System.Security.Cryptography;
using Relay.Testing;

namespace Relay.Interop.Tests;

/// <summary>
/// The ProxyCommand client (<c>relay --binary -B 65536 - ws://…</c>) against .NET's server-side WebSocket
/// (<see cref="WebSocketServerPeer"/>), plain and over TLS with a CA made in the test: stdout equals stdin by
/// SHA-256, close codes as the server sees them, exit codes and stderr.
/// </summary>
public sealed class StdioClientTests
{
    private const int Seed = 4000;

    /// <summary>The child must not inherit a trust setting from the machine running the tests.</summary>
    private static readonly Dictionary<string, string?> UnknownCa = new() { ["SSL_CERT_FILE"] = null, ["SSL_CERT_DIR"] = null };

    private static string[] ClientArguments(string uri, params string[] extra) => [.. extra, "--binary", "-B", "65536", "-", uri];

    private static byte[] RandomBytes(int length)
    {
        var data = new byte[length];
        new Random(Seed).NextBytes(data);
        return data;
    }

    [Fact]
    public async Task Stdin8MiB_EchoServer_StdoutMatchesAndRelayClosesWith1000AfterStdinEnds()
    {
        var token = Loopback.Timeout(60);
        using var server = new WebSocketServerPeer();
        var serving = server.EchoOneAsync(token);
        var stdin = RandomBytes(8 * 1024 * 1024);

        var (exitCode, stdout, stderr) = await RelayCommand.RunAsync(stdin, UnknownCa, token, ClientArguments($"ws://127.0.0.1:{server.Port}/"));
        var session = await serving;

        Assert.True(exitCode == 0, $"exit code {exitCode}: {stderr}");
        Assert.Equal(stdin.Length, stdout.Length);
        Assert.Equal(SHA256.HashData(stdin), SHA256.HashData(stdout));
        Assert.Equal("/", session.RequestPath);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, session.CloseStatus);
        Assert.Equal(stdin.Length, session.BytesReceived); // the Close came after every byte of stdin
        Assert.Equal(SHA256.HashData(stdin), session.Sha256);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // no -b: relay says on stderr at start that it relays binary
    public async Task ServerCloses_With4000AndReason_StdoutEndsAndRelayExits7NamingTheCode(bool binaryFlag)
    {
        var token = Loopback.Timeout(30);
        using var server = new WebSocketServerPeer();
        var serving = server.CloseFirstAsync((WebSocketCloseStatus)4000, "test server says goodbye", token);
        var uri = $"ws://127.0.0.1:{server.Port}/";
        using var relay = Process.Start(RelayCommand.CreateStartInfo(UnknownCa, binaryFlag ? ClientArguments(uri) : ["-B", "65536", "-", uri]))!;
        var text = await RelayCommand.EndAfterServerCloseAsync(relay, token);
        var session = await serving;
        Assert.True(relay.ExitCode == 7, $"exit code {relay.ExitCode}: {text}");
        Assert.Contains("4000", text, StringComparison.Ordinal);
        Assert.Contains("test server says goodbye", text, StringComparison.Ordinal);
        Assert.Equal((WebSocketCloseStatus)4000, session.CloseStatus);
    }

    [Fact]
    public async Task Wss_CaInSslCertFile_RoundTripsAndSendsSniLocalhost()
    {
        var token = Loopback.Timeout(60);
        using var certificates = TestCertificates.Create();
        using var server = new WebSocketServerPeer(certificates.Server);
        var serving = server.EchoOneAsync(token);
        var stdin = RandomBytes(8 * 1024 * 1024);
        var environment = new Dictionary<string, string?> { ["SSL_CERT_FILE"] = certificates.AuthorityPemPath, ["SSL_CERT_DIR"] = null };

        var (exitCode, stdout, stderr) = await RelayCommand.RunAsync(stdin, environment, token, ClientArguments($"wss://localhost:{server.Port}/"));
        var session = await serving;

        Assert.True(exitCode == 0, $"exit code {exitCode}: {stderr}");
        Assert.Equal(SHA256.HashData(stdin), SHA256.HashData(stdout));
        Assert.Equal("localhost", session.TargetHostName);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, session.CloseStatus);
        Assert.Equal(stdin.Length, session.BytesReceived);
    }

    [Fact]
    public async Task Wss_UnknownCa_Exits4WithCertificateError()
    {
        var token = Loopback.Timeout(30);
        using var certificates = TestCertificates.Create();
        using var server = new WebSocketServerPeer(certificates.Server);
        var serving = server.EchoOneAsync(token);

        var (exitCode, stdout, stderr) = await RelayCommand.RunAsync([], UnknownCa, token, ClientArguments($"wss://localhost:{server.Port}/"));

        Assert.True(exitCode == 4, $"exit code {exitCode}: {stderr}");
        Assert.Empty(stdout);
        Assert.Matches("(?i)tls|certificate", stderr);
        // The server's side of the handshake fails too: relay refused the certificate and hung up.
        await Assert.ThrowsAnyAsync<Exception>(() => serving);
    }

    [Fact]
    public async Task Wss_UnknownCaWithInsecure_RoundTripsAndWarns()
    {
        var token = Loopback.Timeout(30);
        using var certificates = TestCertificates.Create();
        using var server = new WebSocketServerPeer(certificates.Server);
        var serving = server.EchoOneAsync(token);
        var stdin = RandomBytes(1024 * 1024);

        var (exitCode, stdout, stderr) = await RelayCommand.RunAsync(stdin, UnknownCa, token, ClientArguments($"wss://localhost:{server.Port}/", "-k"));
        var session = await serving;

        Assert.True(exitCode == 0, $"exit code {exitCode}: {stderr}");
        Assert.Equal(SHA256.HashData(stdin), SHA256.HashData(stdout));
        Assert.Contains("insecure", stderr, StringComparison.Ordinal);
        Assert.Contains("warning", stderr, StringComparison.Ordinal);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, session.CloseStatus);
    }
}
