using System.Diagnostics;
using System.Globalization;
using Relay.Testing;

namespace Relay.Cli.Tests;

/// <summary>
/// The binary runs socket continuations on the socket engines' event threads (InlineSocketCompletions): .NET then
/// starts one engine per core instead of one for up to 30 cores, which is how the setting shows from outside.
/// </summary>
public sealed class InlineCompletionsTests(RelayBinaryFixture binary) : IClassFixture<RelayBinaryFixture>
{
    private const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    [Theory]
    [InlineData(null)]
    [InlineData("0")]
    public async Task Forwarder_SocketEngines_OnePerCoreUnlessTheUserSaysOtherwise(string? value)
    {
        Assert.NotEmpty(binary.Path);
        var timeout = Loopback.Timeout(20);
        var port = Loopback.FreePort();
        var environment = new Dictionary<string, string?> { [Variable] = value };
        var process = Process.Start(RelayCommand.CreateStartInfo(environment, "-b", $"ws-l:127.0.0.1:{port}", "echo:"))
            ?? throw new InvalidOperationException("relay did not start");
        await using var relay = new RelayProcess(process);
        await relay.WaitForOutputAsync("listening on", timeout);

        // One echo through the relay: every engine has started by the time a session has run.
        await WebSocketEcho.AssertOneEchoAsync(port, timeout);

        var engines = ThreadNames(process.Id).Count(name => name == ".NET Sockets");
        var expected = value is null ? Environment.ProcessorCount : (int)Math.Max(1, Math.Round(Environment.ProcessorCount / 30.0));
        Assert.Equal(expected, engines);
    }

    private static List<string> ThreadNames(int pid) =>
        Directory.GetDirectories($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/task")
            .Select(task => File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n'))
            .ToList();
}
