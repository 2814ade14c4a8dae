using System.Security.Cryptography;
using Relay.Testing;

namespace Relay.Cli.Tests;

/// <summary>
/// The published client against a published <c>relay serve</c> over wss:// with a private CA, a bearer token and
/// routes: the pairing a sandbox user runs, with the server's real refusals mapped to the client's exit codes.
/// </summary>
public sealed class ClientAgainstServeTests(RelayBinaryFixture binary) : IClassFixture<RelayBinaryFixture>
{
    private const string Token = "sandbox-token-7f3a";

    [Fact]
    public async Task Client_TokenHeaderFromEnvironment_RelaysThroughServeOverWss()
    {
        var timeout = Loopback.Timeout(30);
        await using var echo = new EchoServer();
        using var ca = new TestCertificateAuthority();
        await using var serve = await StartServeAsync(ca, $"/ssh=tcp:127.0.0.1:{echo.Port}", timeout);
        var input = RandomNumberGenerator.GetBytes(256 * 1024);

        var (exit, stdout, stderr) = await RunClientAsync(input, ca, Token, $"wss://127.0.0.1:{serve.Port}/ssh", timeout);

        Assert.True(exit == 0, $"exit {exit}: {stderr}\nserve: {serve.Log}");
        Assert.Equal(SHA256.HashData(input), SHA256.HashData(stdout));
    }

    [Fact]
    public async Task Client_WrongToken_Exits5Unauthorized()
    {
        var timeout = Loopback.Timeout(30);
        await using var echo = new EchoServer();
        using var ca = new TestCertificateAuthority();
        await using var serve = await StartServeAsync(ca, $"/ssh=tcp:127.0.0.1:{echo.Port}", timeout);
        var url = $"wss://127.0.0.1:{serve.Port}/ssh";

        var (exit, _, stderr) = await RunClientAsync([], ca, "not-the-token", url, timeout);

        Assert.Equal(5, exit);
        Assert.Equal($"relay: {url}: upgrade refused: 401 Unauthorized (missing or wrong token)\n", stderr);
        Assert.Equal(0, echo.Accepted);
    }

    [Fact]
    public async Task Client_UnknownRoute_Exits5NotFound()
    {
        var timeout = Loopback.Timeout(30);
        await using var echo = new EchoServer();
        using var ca = new TestCertificateAuthority();
        await using var serve = await StartServeAsync(ca, $"/ssh=tcp:127.0.0.1:{echo.Port}", timeout);
        var url = $"wss://127.0.0.1:{serve.Port}/vnc";

        var (exit, _, stderr) = await RunClientAsync([], ca, Token, url, timeout);

        Assert.Equal(5, exit);
        Assert.Equal($"relay: {url}: upgrade refused: 404 Not Found (no route for this path)\n", stderr);
    }

    [Fact]
    public async Task Client_ServeTargetDown_Exits6TargetUnreachable()
    {
        var timeout = Loopback.Timeout(30);
        using var ca = new TestCertificateAuthority();
        using var deadTarget = new RefusingPort();
        await using var serve = await StartServeAsync(ca, $"/ssh=tcp:127.0.0.1:{deadTarget.Port}", timeout);
        var url = $"wss://127.0.0.1:{serve.Port}/ssh";

        var (exit, _, stderr) = await RunClientAsync([], ca, Token, url, timeout);

        Assert.Equal(6, exit);
        Assert.Equal($"relay: {url}: target unreachable: the server answered 502 Bad Gateway\n", stderr);
    }

    private static async Task<ServeProcess> StartServeAsync(TestCertificateAuthority ca, string route, CancellationToken timeout)
    {
        var server = ca.IssueServer();
        var port = Loopback.FreePort();
        return await ServeProcess.StartAsync(timeout, new Dictionary<string, string?> { ["RELAY_TOKEN"] = Token },
            "--listen", $"wss://127.0.0.1:{port}", "--tls-cert", server.CertificatePemPath, "--tls-key", server.KeyPemPath, "--route", route);
    }

    private Task<(int ExitCode, byte[] Stdout, string Stderr)> RunClientAsync(byte[] stdin, TestCertificateAuthority ca, string token, string url, CancellationToken timeout)
    {
        Assert.NotEmpty(binary.Path);
        var environment = ClientTestEnvironment.With(("SANDBOX_TOKEN", token), ("SSL_CERT_FILE", null), ("SSL_CERT_DIR", null));
        return RelayCommand.RunAsync(stdin, environment, timeout,
            "--binary", "-B", "65536", "-q", "--ca-cert", ca.CertificatePemPath, "-H", "Authorization: Bearer ${SANDBOX_TOKEN}", "-", url);
    }
}
