using System.Net.WebSockets;
using System.Text;
using Relay.Testing;

namespace Relay.Cli.Tests;

/// <summary>
/// The published client against real servers on loopback: one line on stderr naming the cause, and the exit code
/// documented for it (ExitCodes, docs/client.md): 3 could not connect, 4 TLS, 5 upgrade refused, 6 target
/// unreachable, 7 closed abnormally by the server.
/// </summary>
public sealed class ClientExitCodeTests(RelayBinaryFixture binary) : IClassFixture<RelayBinaryFixture>
{
    [Fact]
    public async Task Client_NoServer_Exits3ConnectionRefused()
    {
        var url = $"ws://127.0.0.1:{Loopback.FreePort()}/";

        var (exit, _, stderr) = await RunAsync([], ClientTestEnvironment.With(), Loopback.Timeout(15), "-b", "-", url);

        Assert.Equal(3, exit);
        Assert.Equal($"relay: {url}: connection refused\n", stderr);
    }

    [Fact]
    public async Task Client_ForwarderTargetDead_Exits6TargetUnreachable()
    {
        var timeout = Loopback.Timeout(15);
        var port = Loopback.FreePort();
        await using var forwarder = await RelayBinary.StartListeningAsync(timeout, "-b", "-E", $"ws-l:127.0.0.1:{port}", $"tcp:127.0.0.1:{Loopback.FreePort()}");
        var url = $"ws://127.0.0.1:{port}/";

        var (exit, _, stderr) = await RunAsync([], ClientTestEnvironment.With(), timeout, "-b", "-", url);

        Assert.Equal(6, exit);
        Assert.Equal($"relay: {url}: target unreachable: the server answered 502 Bad Gateway\n", stderr);
    }

    [Fact]
    public async Task Client_ServerRefuses401_Exits5WithTheMeaning()
    {
        var timeout = Loopback.Timeout(15);
        await using var server = new ClientTestServer();

        var run = RunAsync([], ClientTestEnvironment.With(), timeout, "-b", "-", server.Url("/ssh"));
        await using var exchange = await server.NextAsync(timeout);
        await exchange.RefuseAsync(401, "Unauthorized", timeout);
        var (exit, _, stderr) = await run;

        Assert.Equal(5, exit);
        Assert.Equal($"relay: {server.Url("/ssh")}: upgrade refused: 401 Unauthorized (missing or wrong token)\n", stderr);
    }

    [Fact]
    public async Task Client_ServerClosesWith1011_Exits7NamingCodeAndReason()
    {
        var timeout = Loopback.Timeout(15);
        await using var server = new ClientTestServer();
        using var relay = RelayCommandStart(ClientTestEnvironment.With(), "-b", "-", server.Url());
        var stderr = relay.StandardError.ReadToEndAsync(timeout);

        await using var exchange = await server.NextAsync(timeout);
        using var webSocket = await exchange.AcceptAsync(timeout);
        await webSocket.CloseOutputAsync(WebSocketCloseStatus.InternalServerError, "target reset", timeout);
        // relay ends its stdout when the Close arrives; its stdin ending then lets it finish (no -E here).
        Assert.Equal(0, await relay.StandardOutput.BaseStream.ReadAsync(new byte[1], timeout));
        relay.StandardInput.Close();
        var echoed = await webSocket.ReceiveAsync(new byte[16], timeout);
        await relay.WaitForExitAsync(timeout);

        Assert.Equal(WebSocketMessageType.Close, echoed.MessageType);
        Assert.Equal(7, relay.ExitCode);
        Assert.Equal($"relay: {server.Url()}: closed by the server with 1011 (target reset)\n", await stderr);
    }

    [Fact]
    public async Task Client_ServerDropsWithoutClose_Exits7ConnectionLost()
    {
        var timeout = Loopback.Timeout(15);
        await using var server = new ClientTestServer();
        using var relay = RelayCommandStart(ClientTestEnvironment.With(), "-b", "-", server.Url());
        var stderr = relay.StandardError.ReadToEndAsync(timeout);

        await using var exchange = await server.NextAsync(timeout);
        await using (var peer = await exchange.AcceptRawAsync(timeout))
        {
            peer.Socket.Close(); // a FIN without a Close frame
        }

        await relay.WaitForExitAsync(timeout);

        Assert.Equal(7, relay.ExitCode);
        Assert.Equal($"relay: {server.Url()}: the connection to the server was lost without a close frame (1006)\n", await stderr);
    }

    [Fact]
    public async Task Client_ServerNeverAnswersTheUpgrade_Exits3AfterConnectTimeout()
    {
        var timeout = Loopback.Timeout(15);
        await using var server = new ClientTestServer();

        var run = RunAsync([], ClientTestEnvironment.With(), timeout, "-b", "--connect-timeout", "0.5", "-", server.Url());
        await using var exchange = await server.NextAsync(timeout); // the request arrived; no answer
        var (exit, _, stderr) = await run;

        Assert.Equal(3, exit);
        Assert.Equal($"relay: {server.Url()}: timed out after 0.5 s waiting for the upgrade response (--connect-timeout)\n", stderr);
    }

    [Fact]
    public async Task Client_UntrustedCertificate_Exits4NamingTheFix()
    {
        var timeout = Loopback.Timeout(15);
        using var ca = new TestCertificateAuthority();
        using var certificate = ca.IssueServer().Load();
        await using var server = new ClientTestServer(certificate);

        var (exit, _, stderr) = await RunAsync([], ClientTestEnvironment.With(("SSL_CERT_FILE", null), ("SSL_CERT_DIR", null)), timeout, "-b", "-", server.Url());

        Assert.Equal(4, exit);
        Assert.Equal($"relay: {server.Url()}: TLS: certificate not trusted (RemoteCertificateChainErrors); use --ca-cert or -k\n", stderr);
    }

    [Fact]
    public async Task Client_CaCert_TrustsThePrivateCaAndRoundTrips()
    {
        var timeout = Loopback.Timeout(15);
        using var ca = new TestCertificateAuthority();
        using var certificate = ca.IssueServer().Load();
        await using var server = new ClientTestServer(certificate);
        var input = Encoding.ASCII.GetBytes("through a private CA");

        var run = RunAsync(input, ClientTestEnvironment.With(("SSL_CERT_FILE", null), ("SSL_CERT_DIR", null)), timeout, "-b", "--ca-cert", ca.CertificatePemPath, "-", server.Url());
        await using var exchange = await server.NextAsync(timeout);
        using var webSocket = await exchange.AcceptAsync(timeout);
        await ClientTestEnvironment.EchoUntilCloseAsync(webSocket, timeout);
        var (exit, stdout, stderr) = await run;

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Equal(input, stdout);
    }

    [Fact]
    public async Task Client_ClientCertificate_ServerSeesItsThumbprint()
    {
        var timeout = Loopback.Timeout(15);
        using var ca = new TestCertificateAuthority();
        using var certificate = ca.IssueServer().Load();
        var client = ca.IssueClient();
        await using var server = new ClientTestServer(certificate, requireClientCertificate: true);

        var run = RunAsync([1, 2, 3], ClientTestEnvironment.With(), timeout,
            "-b", "--ca-cert", ca.CertificatePemPath, "--client-cert", client.CertificatePemPath, "--client-key", client.KeyPemPath, "-", server.Url());
        await using var exchange = await server.NextAsync(timeout);
        using var webSocket = await exchange.AcceptAsync(timeout);
        await ClientTestEnvironment.EchoUntilCloseAsync(webSocket, timeout);
        var (exit, stdout, stderr) = await run;

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Equal(client.Thumbprint, exchange.ClientCertificateThumbprint);
        Assert.Equal(new byte[] { 1, 2, 3 }, stdout);
    }

    [Fact]
    public async Task Client_ServerWantsClientCertificateAndNoneGiven_Exits4()
    {
        var timeout = Loopback.Timeout(15);
        using var ca = new TestCertificateAuthority();
        using var certificate = ca.IssueServer().Load();
        await using var server = new ClientTestServer(certificate, requireClientCertificate: true);

        var (exit, _, stderr) = await RunAsync([], ClientTestEnvironment.With(), timeout, "-b", "--ca-cert", ca.CertificatePemPath, "-", server.Url());

        Assert.Equal(4, exit);
        Assert.StartsWith($"relay: {server.Url()}: TLS: ", stderr, StringComparison.Ordinal);
        Assert.Contains("--client-cert", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_CaCertFileMissing_Exits2()
    {
        var (exit, _, stderr) = await RunAsync([], ClientTestEnvironment.With(), Loopback.Timeout(15), "-b", "--ca-cert", "/nonexistent/ca.pem", "-", "wss://127.0.0.1:1/");

        Assert.Equal(2, exit);
        Assert.StartsWith("relay: --ca-cert: /nonexistent/ca.pem: ", stderr, StringComparison.Ordinal);
    }

    private Task<(int ExitCode, byte[] Stdout, string Stderr)> RunAsync(byte[] stdin, IReadOnlyDictionary<string, string?> environment, CancellationToken timeout, params string[] arguments)
    {
        Assert.NotEmpty(binary.Path);
        return RelayCommand.RunAsync(stdin, environment, timeout, arguments);
    }

    private static System.Diagnostics.Process RelayCommandStart(IReadOnlyDictionary<string, string?> environment, params string[] arguments) =>
        System.Diagnostics.Process.Start(RelayCommand.CreateStartInfo(environment, arguments)) ?? throw new InvalidOperationException("relay did not start");
}
