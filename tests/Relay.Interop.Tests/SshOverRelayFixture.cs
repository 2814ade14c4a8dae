using Relay.Testing;

namespace Relay.Interop.Tests;

/// <summary>
/// One real sshd and one forwarder in front of it (<c>relay -b --exit-on-eof ws-l:… tcp:SSHD</c>) for the SSH
/// tests; ssh and scp reach sshd through the ProxyCommand client, exactly as a user would.
/// </summary>
public sealed class SshOverRelayFixture : IAsyncLifetime
{
    private SshdFixture? _sshd;
    private RelayProcess? _forwarder;

    public SshdFixture Sshd => _sshd ?? throw new InvalidOperationException("not started");

    public RelayProcess Forwarder => _forwarder ?? throw new InvalidOperationException("not started");

    /// <summary>The ProxyCommand: the relay client to the forwarder, stdio as the byte side.</summary>
    public string ProxyCommand { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var token = Loopback.Timeout(30);
        _sshd = await SshdFixture.StartAsync(token);
        var port = Loopback.FreePort();
        _forwarder = await RelayBinary.StartListeningAsync(token, "-b", "--exit-on-eof", $"ws-l:127.0.0.1:{port}", $"tcp:127.0.0.1:{_sshd.Port}");
        ProxyCommand = $"'{RelayBinary.Path}' --binary -B 65536 - ws://127.0.0.1:{port}/";
    }

    public async Task DisposeAsync()
    {
        if (_forwarder is not null)
        {
            await _forwarder.DisposeAsync();
        }

        if (_sshd is not null)
        {
            await _sshd.DisposeAsync();
        }
    }
}
