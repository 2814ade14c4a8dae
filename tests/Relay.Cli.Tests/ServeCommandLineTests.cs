using System.Net;
using Relay.Core.Hosting;

namespace Relay.Cli.Tests;

/// <summary>relay serve's configuration: flags over RELAY_* over the JSON file, lists whole, and one-line usage errors.</summary>
public sealed class ServeCommandLineTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("relay-serve-config-").FullName;

    private static readonly Dictionary<string, string?> s_noEnvironment = [];

    [Fact]
    public void Parse_ConfigFileOnly_ReadsEveryKey()
    {
        var config = WriteConfig("""
            {
              "listen": ["ws://0.0.0.0:8081", "ws://127.0.0.1:8082"],
              "target": "tcp:127.0.0.1:22",
              "routes": { "/vnc": "tcp:127.0.0.1:5900", "/local": "unix:/run/app.sock" },
              "allowOrigin": ["https://console.example"],
              "maxSessions": 100,
              "handshakeTimeout": 3,
              "idleTimeout": 600,
              "maxMessageSize": 1048576,
              "bufferSize": 32768,
              "pingInterval": 20,
              "pingTimeout": 40,
              "metrics": "127.0.0.1:9090",
              "drainTimeout": 25,
              "logFormat": "json",
              "reusePort": true
            }
            """);
        var options = Parse(s_noEnvironment, "--config", config);

        Assert.Equal(["ws://0.0.0.0:8081", "ws://127.0.0.1:8082"], options.Listeners.Select(l => l.Text));
        Assert.Equal(Target.Tcp("127.0.0.1", 22), options.DefaultTarget);
        Assert.Equal(Target.Tcp("127.0.0.1", 5900), options.Routes["/vnc"]);
        Assert.Equal(Target.Unix("/run/app.sock"), options.Routes["/local"]);
        Assert.Equal(["https://console.example"], options.AllowedOrigins);
        Assert.Equal(100, options.MaxSessions);
        Assert.Equal(TimeSpan.FromSeconds(3), options.HandshakeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(600), options.Relay.IdleTimeout);
        Assert.Equal(1048576, options.Relay.MaxMessageSize);
        Assert.Equal(32768, options.Relay.BufferSize);
        Assert.Equal(TimeSpan.FromSeconds(20), options.Relay.PingInterval);
        Assert.Equal(TimeSpan.FromSeconds(40), options.Relay.PingTimeout);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 9090), options.Metrics);
        Assert.Equal(TimeSpan.FromSeconds(25), options.DrainTimeout);
        Assert.True(options.JsonLogs);
        Assert.True(options.ReusePort);
    }

    [Fact]
    public void Parse_Layers_FlagsBeatEnvironmentBeatsFile()
    {
        var config = WriteConfig("""{ "listen": ["ws://0.0.0.0:1", "ws://0.0.0.0:2"], "target": "tcp:file:1", "maxSessions": 1, "drainTimeout": 1, "pingInterval": 1 }""");
        var environment = new Dictionary<string, string?>
        {
            ["RELAY_TARGET"] = "tcp:env:2",
            ["RELAY_MAX_SESSIONS"] = "2",
            ["RELAY_DRAIN_TIMEOUT"] = "2",
            ["OTHER_DRAIN_TIMEOUT"] = "9",
        };
        var options = Parse(environment, "--config", config, "--drain-timeout", "3", "--listen", "ws://127.0.0.1:3");

        Assert.Equal(Target.Tcp("env", 2), options.DefaultTarget);           // environment over file
        Assert.Equal(2, options.MaxSessions);
        Assert.Equal(TimeSpan.FromSeconds(3), options.DrainTimeout);       // flag over environment
        Assert.Equal(TimeSpan.FromSeconds(1), options.Relay.PingInterval); // file when nothing else says
        Assert.Equal(["ws://127.0.0.1:3"], options.Listeners.Select(l => l.Text)); // a list comes whole from one layer
    }

    [Fact]
    public void Parse_EnvironmentLists_CommaSeparatedOrIndexed()
    {
        var commas = Parse(new Dictionary<string, string?> { ["RELAY_LISTEN"] = "ws://127.0.0.1:1, ws://127.0.0.1:2", ["RELAY_ROUTE"] = "/a=tcp:h:1,/b=tcp:h:2" });
        Assert.Equal(2, commas.Listeners.Count);
        Assert.Equal(Target.Tcp("h", 2), commas.Routes["/b"]);

        var indexed = Parse(new Dictionary<string, string?> { ["RELAY_LISTEN__0"] = "ws://127.0.0.1:1", ["RELAY_LISTEN__1"] = "ws://127.0.0.1:2", ["RELAY_TARGET"] = "tcp:h:1" });
        Assert.Equal(["ws://127.0.0.1:1", "ws://127.0.0.1:2"], indexed.Listeners.Select(l => l.Text));
    }

    [Fact]
    public void Parse_Token_FromEnvironmentOrFileAndNeverShown()
    {
        var fromEnvironment = Parse(new Dictionary<string, string?> { ["RELAY_TOKEN"] = "abc" }, "--listen", "ws://127.0.0.1:1", "--target", "tcp:h:1");
        Assert.True(fromEnvironment.Token!.Matches("abc"));
        Assert.False(fromEnvironment.Token.Matches("abd"));
        Assert.DoesNotContain("abc", fromEnvironment.Token.ToString(), StringComparison.Ordinal);

        var file = Path.Combine(_directory, "token");
        File.WriteAllText(file, "from-file\n");
        var fromFile = Parse(s_noEnvironment, "--listen", "ws://127.0.0.1:1", "--target", "tcp:h:1", "--token-file", file);
        Assert.True(fromFile.Token!.Matches("from-file"));
    }

    [Fact]
    public void Parse_Defaults_AreTheDocumentedOnes()
    {
        var options = Parse(s_noEnvironment, "--listen", "ws://127.0.0.1:1", "--target", "tcp:h:1");
        Assert.Equal(TimeSpan.FromSeconds(10), options.HandshakeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), options.DrainTimeout);
        Assert.Equal(TimeSpan.FromSeconds(25), options.Relay.PingInterval);
        Assert.Equal(TimeSpan.FromSeconds(60), options.Relay.PingTimeout);
        Assert.Equal(TimeSpan.Zero, options.Relay.IdleTimeout);
        Assert.Equal(ServeCommandLine.DefaultMaxSessions(), options.MaxSessions);
        Assert.InRange(options.MaxSessions, 1, 10_000);
        Assert.Null(options.Metrics);
        Assert.Null(options.Token);
        Assert.False(options.JsonLogs);
        Assert.True(options.Relay.ExitOnEof);
    }

    [Theory]
    [InlineData("serve: nothing to listen on", "--target", "tcp:h:1")]
    [InlineData("serve: nowhere to relay to", "--listen", "ws://127.0.0.1:1")]
    [InlineData("serve: --listen takes ws://ADDR:PORT or wss://ADDR:PORT, not 'http://127.0.0.1:1'", "--listen", "http://127.0.0.1:1", "--target", "tcp:h:1")]
    [InlineData("serve: a wss:// listener needs --tls-cert FILE and --tls-key FILE", "--listen", "wss://127.0.0.1:1", "--target", "tcp:h:1")]
    [InlineData("serve: --target takes tcp:HOST:PORT or unix:PATH, not 'ws://h/'", "--listen", "ws://127.0.0.1:1", "--target", "ws://h/")]
    [InlineData("serve: --route: a route is /PATH=tcp:HOST:PORT or /PATH=unix:PATH, not 'ssh=tcp:h:1'", "--listen", "ws://127.0.0.1:1", "--route", "ssh=tcp:h:1")]
    [InlineData("serve: --route: /a is routed twice", "--listen", "ws://127.0.0.1:1", "--route", "/a=tcp:h:1", "--route", "/a=tcp:h:2")]
    [InlineData("serve: --max-sessions takes a whole number from 1 to", "--listen", "ws://127.0.0.1:1", "--target", "tcp:h:1", "--max-sessions", "0")]
    [InlineData("serve: --idle-timeout takes a number of seconds", "--listen", "ws://127.0.0.1:1", "--target", "tcp:h:1", "--idle-timeout", "soon")]
    [InlineData("serve: --log-format is text or json, not 'xml'", "--listen", "ws://127.0.0.1:1", "--target", "tcp:h:1", "--log-format", "xml")]
    [InlineData("serve: --metrics takes ADDR:PORT", "--listen", "ws://127.0.0.1:1", "--target", "tcp:h:1", "--metrics", "9090")]
    [InlineData("serve: --token-file:", "--listen", "ws://127.0.0.1:1", "--target", "tcp:h:1", "--token-file", "/nonexistent/token")]
    [InlineData("serve: --config:", "--config", "/nonexistent/relay.json")]
    public void Parse_BadInput_IsOneLineUsageError(string expected, params string[] args)
    {
        var outcome = ServeCommandLine.Parse(args, s_noEnvironment);
        var usage = Assert.IsType<ParseOutcome.UsageError>(outcome);
        Assert.StartsWith(expected, usage.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', usage.Message);
    }

    [Fact]
    public void Parse_ErrorInFile_NamesTheKeyAndFile()
    {
        var config = WriteConfig("""{ "listen": ["ws://127.0.0.1:1"], "target": "tcp:h:1", "maxSessions": "many" }""");
        var usage = Assert.IsType<ParseOutcome.UsageError>(ServeCommandLine.Parse(["--config", config], s_noEnvironment));
        Assert.StartsWith("serve: maxSessions in relay.json takes a whole number", usage.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Help_PrintsTheFlags()
    {
        var print = Assert.IsType<ParseOutcome.Print>(ServeCommandLine.Parse(["--help"], s_noEnvironment));
        Assert.Contains("Usage:\n  relay serve [options]\n", print.Text, StringComparison.Ordinal);
        foreach (var flag in new[] { "--listen", "--tls-cert", "--tls-key", "--target", "--route", "--token-file", "--allow-origin", "--max-sessions", "--handshake-timeout", "--idle-timeout", "--max-message-size", "--buffer-size", "--ping-interval", "--ping-timeout", "--metrics", "--drain-timeout", "--log-format" })
        {
            Assert.Contains(flag, print.Text, StringComparison.Ordinal);
        }
    }

    private ServeOptions Parse(Dictionary<string, string?> environment, params string[] args)
    {
        var outcome = ServeCommandLine.Parse(args, environment);
        return outcome is ParseOutcome.Serve serve ? serve.Options : throw new Xunit.Sdk.XunitException($"expected options, got {outcome}");
    }

    private string WriteConfig(string json)
    {
        var path = Path.Combine(_directory, "relay.json");
        File.WriteAllText(path, json);
        return path;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
