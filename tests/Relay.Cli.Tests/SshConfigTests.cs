using Relay.Testing;

namespace Relay.Cli.Tests;

/// <summary>
/// <c>relay ssh-config</c>: the printed block (in process), and the block used as it is by real OpenSSH
/// (<c>ssh -F</c>) through the published client and a published forwarder to a real sshd.
/// </summary>
public sealed class SshConfigTests(RelayBinaryFixture binary) : IClassFixture<RelayBinaryFixture>
{
    [Fact]
    public void Parse_PatternAndTemplate_PrintsTheBlock()
    {
        var outcome = SshConfigCommand.ParseWith(["sbx-*", "wss://8081-%h.sandbox.example"], "/usr/local/bin/relay");

        var print = Assert.IsType<ParseOutcome.Print>(outcome);
        Assert.Equal("""
            Host sbx-*
                ProxyCommand /usr/local/bin/relay --binary -B 65536 - wss://8081-%h.sandbox.example
                ServerAliveInterval 30

            """, print.Text);
    }

    [Fact]
    public void Parse_PathWithSpaceAndExtraOptions_QuotesForTheShellAndDoublesPercent()
    {
        var outcome = SshConfigCommand.ParseWith(
            ["sbx-*", "wss://8081-%h.sandbox.example/ssh?user=%r", "-H", "Authorization: Bearer ${SANDBOX_TOKEN}", "--proxy", "http://u:p%40ss@proxy:3128"],
            "/opt/my tools/relay");

        var print = Assert.IsType<ParseOutcome.Print>(outcome);
        Assert.Contains(
            "    ProxyCommand '/opt/my tools/relay' --binary -B 65536 -H 'Authorization: Bearer ${SANDBOX_TOKEN}' --proxy http://u:p%%40ss@proxy:3128 - 'wss://8081-%h.sandbox.example/ssh?user=%r'\n",
            print.Text,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RelativeCaCert_BecomesAbsolute()
    {
        using var ca = new TestCertificateAuthority();
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, ca.CertificatePemPath);

        var outcome = SshConfigCommand.ParseWith(["sbx-*", "wss://%h.example", "--ca-cert", relative], "/bin/relay");

        var print = Assert.IsType<ParseOutcome.Print>(outcome);
        Assert.Contains($"--ca-cert {ca.CertificatePemPath} - wss://%h.example", print.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sbx *", "wss://%h.example", "host pattern")]
    [InlineData("", "wss://%h.example", "host pattern")]
    [InlineData("sbx-*", "https://%h.example", "must start with ws:// or wss://")]
    [InlineData("sbx-*", "tcp:127.0.0.1:22", "must start with ws:// or wss://")]
    public void Parse_BadPatternOrUrl_IsAUsageError(string pattern, string template, string expected)
    {
        var usage = Assert.IsType<ParseOutcome.UsageError>(SshConfigCommand.ParseWith([pattern, template], "/bin/relay"));

        Assert.Contains(expected, usage.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--no-such-option")]
    [InlineData("--ping-interval", "soon")]
    [InlineData("--proxy", "ftp://proxy:21")]
    [InlineData("tcp:127.0.0.1:22")]
    public void Parse_BadExtraOption_IsAUsageError(params string[] extra)
    {
        Assert.IsType<ParseOutcome.UsageError>(SshConfigCommand.ParseWith(["sbx-*", "wss://%h.example", .. extra], "/bin/relay"));
    }

    [Fact]
    public void Parse_TooFewArguments_IsAUsageError()
    {
        var usage = Assert.IsType<ParseOutcome.UsageError>(CommandLine.Parse(["ssh-config", "sbx-*"]));

        Assert.StartsWith("usage: relay ssh-config HOST-PATTERN", usage.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Binary_SshConfig_UsesItsOwnAbsolutePath()
    {
        var (exit, stdout, stderr) = await RelayBinary.RunAsync([], Loopback.Timeout(15), "ssh-config", "sbx-*", "wss://8081-%h.sandbox.example");

        Assert.True(exit == 0, stderr);
        Assert.Equal($"Host sbx-*\n    ProxyCommand {Path.GetFullPath(binary.Path)} --binary -B 65536 - wss://8081-%h.sandbox.example\n    ServerAliveInterval 30\n",
            System.Text.Encoding.UTF8.GetString(stdout));
    }

    [Fact]
    public async Task Binary_SshConfigWithWhitespacePattern_Exits2()
    {
        var (exit, stdout, stderr) = await RelayBinary.RunAsync([], Loopback.Timeout(15), "ssh-config", "a b", "wss://%h.example");

        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.StartsWith("relay: ssh-config: the host pattern", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ssh_PrintedBlockWithHeaderFromEnvironment_RunsACommandThroughTheForwarder()
    {
        var timeout = Loopback.Timeout(60);
        await using var sshd = await SshdFixture.StartAsync(timeout);
        var port = Loopback.FreePort();
        await using var forwarder = await RelayBinary.StartListeningAsync(timeout, "-b", "--exit-on-eof", $"ws-l:127.0.0.1:{port}", $"tcp:127.0.0.1:{sshd.Port}");

        // %h in the URL is the alias typed after ssh; the forwarder accepts any path, so it only has to be a valid one.
        var (exit, stdout, stderr) = await RelayBinary.RunAsync([], timeout,
            "ssh-config", "relaytest-*", $"ws://127.0.0.1:{port}/%h", "-H", "X-Token: ${RELAY_SSH_TEST_TOKEN}", "-q");
        Assert.True(exit == 0, stderr);
        var config = Path.Combine(sshd.Directory, "ssh_config");
        await File.WriteAllBytesAsync(config, stdout, timeout);

        var (sshExit, sshOut, sshErr) = await SshdFixture.RunToolAsync("/usr/bin/env",
        [
            "RELAY_SSH_TEST_TOKEN=t0ken", "/usr/bin/ssh", "-F", config,
            "-i", sshd.IdentityFile, "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "-l", SshdFixture.User,
            "relaytest-one", "echo over-relay; echo $((6*7))",
        ], timeout);

        Assert.True(sshExit == 0, $"ssh exited with {sshExit}: {sshErr}\nconfig:\n{File.ReadAllText(config)}\nforwarder: {forwarder.Stderr}\nsshd: {sshd.Log}");
        Assert.Equal("over-relay\n42\n", sshOut);
        // "relaytest-one" resolves nowhere: only the printed ProxyCommand can have reached sshd, and it ran with
        // ${RELAY_SSH_TEST_TOKEN} set by ssh's environment (unset, relay would have exited 2 before connecting).
        Assert.Contains("-H 'X-Token: ${RELAY_SSH_TEST_TOKEN}'", File.ReadAllText(config), StringComparison.Ordinal);
    }
}
