using System.Diagnostics;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Relay.Testing;

namespace Relay.Cli.Tests;

/// <summary>relay serve over TLS (wss) with PEM files that rotate, and listeners handed over by systemd.</summary>
public sealed class ServeTlsTests : IClassFixture<RelayBinaryFixture>
{
    [Fact]
    public async Task Serve_Wss_ServesThePemCertificateAndTheNextHandshakeAfterARotationGetsTheNewOne()
    {
        var timeout = Loopback.Timeout(30);
        using var authority = new TestCertificateAuthority();
        var first = authority.IssueServer();
        var second = authority.IssueServer();
        var certPath = Path.Combine(authority.Directory, "tls.crt");
        var keyPath = Path.Combine(authority.Directory, "tls.key");
        File.Copy(first.CertificatePemPath, certPath);
        File.Copy(first.KeyPemPath, keyPath);
        await using var echo = new EchoServer();
        var port = Loopback.FreePort();
        await using var serve = await ServeProcess.StartAsync(timeout, null, "--listen", $"wss://127.0.0.1:{port}", "--tls-cert", certPath, "--tls-key", keyPath, "--target", $"tcp:127.0.0.1:{echo.Port}");

        Assert.Equal(first.Thumbprint, await EchoOverWssAsync(port, authority, "before rotation", timeout));

        // cert-manager style: both files rewritten in place.
        File.Copy(second.CertificatePemPath, certPath, overwrite: true);
        File.Copy(second.KeyPemPath, keyPath, overwrite: true);
        Assert.Equal(second.Thumbprint, await EchoOverWssAsync(port, authority, "after rotation", timeout));
        await serve.WaitForLogAsync($"TLS certificate changed on disk: now CN=localhost ({second.Thumbprint}", timeout);
    }

    [Fact]
    public async Task Serve_WssWithAMismatchedKey_SaysSoInOneLineAndExits1()
    {
        var timeout = Loopback.Timeout(20);
        using var authority = new TestCertificateAuthority();
        var first = authority.IssueServer();
        var second = authority.IssueServer();
        var (code, _, stderr) = await RelayBinary.RunAsync([], timeout, "serve", "--listen", $"wss://127.0.0.1:{Loopback.FreePort()}", "--tls-cert", first.CertificatePemPath, "--tls-key", second.KeyPemPath, "--target", "tcp:127.0.0.1:22");
        Assert.Equal(1, code);
        Assert.StartsWith("relay: serve: TLS key file", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Serve_SystemdSocketActivation_ServesOnTheHandedOverSocket()
    {
        var timeout = Loopback.Timeout(30);
        await using var echo = new EchoServer();
        var port = Loopback.FreePort();

        // systemd-socket-activate listens, and on the first connection starts relay with that socket as descriptor 3.
        var info = new ProcessStartInfo("systemd-socket-activate") { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-l", $"127.0.0.1:{port}", "--fdname=ws", "--", RelayBinary.Path, "serve", "--target", $"tcp:127.0.0.1:{echo.Port}" })
        {
            info.ArgumentList.Add(argument);
        }

        await using var relay = new RelayProcess(Process.Start(info)!);
        await relay.WaitForOutputAsync("Listening on", timeout);
        await using (var peer = (await UpgradeClient.ConnectAsync(port, "/", timeout)).Open)
        {
            await ServePolicyTests.AssertEchoesAsync(peer, "activated", timeout);
        }

        await relay.WaitForOutputAsync($"listening on ws://127.0.0.1:{port}", timeout);
        Assert.Equal(1, echo.Accepted);
    }

    /// <summary>A ClientWebSocket that trusts only the test CA; returns the thumbprint of the certificate the server showed.</summary>
    private static async Task<string> EchoOverWssAsync(int port, TestCertificateAuthority authority, string text, CancellationToken timeout)
    {
        string? seen = null;
        using var root = authority.Certificate;
        using var client = new ClientWebSocket();
        client.Options.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            using var leaf = new X509Certificate2(certificate!);
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(root);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            seen = leaf.Thumbprint;
            return chain.Build(leaf);
        };
        await client.ConnectAsync(new Uri($"wss://localhost:{port}/"), timeout);
        var bytes = Encoding.UTF8.GetBytes(text);
        await client.SendAsync(bytes, WebSocketMessageType.Binary, endOfMessage: true, timeout);
        var buffer = new byte[bytes.Length];
        var got = 0;
        while (got < bytes.Length)
        {
            got += (await client.ReceiveAsync(buffer.AsMemory(got), timeout)).Count;
        }

        Assert.Equal(text, Encoding.UTF8.GetString(buffer));
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout);
        return seen ?? throw new InvalidOperationException("no certificate seen");
    }
}
