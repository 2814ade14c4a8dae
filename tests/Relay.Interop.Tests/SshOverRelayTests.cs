using System.Diagnostics;
using System.Security.Cryptography;
using Relay.Testing;
using Xunit.Abstractions;

namespace Relay.Interop.Tests;

/// <summary>Real OpenSSH (ssh, scp, sshd) through the ProxyCommand client and the forwarder.</summary>
public sealed class SshOverRelayTests : IClassFixture<SshOverRelayFixture>
{
    private readonly SshOverRelayFixture _fixture;
    private readonly ITestOutputHelper _output;

    public SshOverRelayTests(SshOverRelayFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    [Fact]
    public async Task Ssh_EchoHello_PrintsHelloAndExits0()
    {
        var token = Loopback.Timeout(30);

        var (exitCode, stdout, stderr) = await _fixture.Sshd.SshAsync(_fixture.ProxyCommand, "echo hello", token);

        Assert.True(exitCode == 0, $"ssh exited with {exitCode}: {stderr}\nsshd: {_fixture.Sshd.Log}\nforwarder: {_fixture.Forwarder.Stderr}");
        Assert.Equal("hello\n", stdout);
    }

    [Fact]
    public async Task Scp_64MiBUpAndDown_SameSha256AtEveryEnd()
    {
        var token = Loopback.Timeout(75);
        var directory = _fixture.Sshd.Directory;
        var original = Path.Combine(directory, "original.bin");
        var remoteDirectory = Directory.CreateDirectory(Path.Combine(directory, "remote")).FullName;
        var remote = Path.Combine(remoteDirectory, "up.bin");
        var downloaded = Path.Combine(directory, "down.bin");
        var data = new byte[64 * 1024 * 1024];
        new Random(64).NextBytes(data);
        await File.WriteAllBytesAsync(original, data, token);
        var expected = SHA256.HashData(data);

        var watch = Stopwatch.StartNew();
        var up = await _fixture.Sshd.ScpAsync(_fixture.ProxyCommand, original, $"remote:{remote}", token);
        var upTime = watch.Elapsed;
        Assert.True(up.ExitCode == 0, $"scp up exited with {up.ExitCode}: {up.Stderr}\nsshd: {_fixture.Sshd.Log}\nforwarder: {_fixture.Forwarder.Stderr}");
        Assert.Equal(expected, await HashFileAsync(remote, token));

        watch.Restart();
        var down = await _fixture.Sshd.ScpAsync(_fixture.ProxyCommand, $"remote:{remote}", downloaded, token);
        var downTime = watch.Elapsed;
        Assert.True(down.ExitCode == 0, $"scp down exited with {down.ExitCode}: {down.Stderr}\nsshd: {_fixture.Sshd.Log}\nforwarder: {_fixture.Forwarder.Stderr}");
        Assert.Equal(expected, await HashFileAsync(downloaded, token));

        _output.WriteLine($"scp 64 MiB through relay: up {upTime.TotalSeconds:0.00} s, down {downTime.TotalSeconds:0.00} s");
    }

    private static async Task<byte[]> HashFileAsync(string path, CancellationToken token)
    {
        await using var file = File.OpenRead(path);
        return await SHA256.HashDataAsync(file, token);
    }
}
