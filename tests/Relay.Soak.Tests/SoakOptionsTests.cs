namespace Relay.Soak.Tests;

/// <summary>The soak's command line: defaults, every option, and a one-line error for each kind of bad input.</summary>
public sealed class SoakOptionsTests
{
    // Any existing file stands in for the relay binary: parsing only checks that it exists.
    private const string Relay = "/bin/sh";

    private static SoakOptions? Parse(out string? error, params string[] args) =>
        SoakOptions.TryParse(args, "/tmp", relayFromEnvironment: null, out error);

    [Fact]
    public void TryParse_OutOnly_TakesTheDefaults()
    {
        var options = Parse(out var error, "--out", "soak-report", "--relay", Relay);

        Assert.Null(error);
        Assert.NotNull(options);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Duration);
        Assert.Equal("/tmp/soak-report", options.OutDirectory);
        Assert.Equal(Relay, options.RelayBinary);
        Assert.Equal((16, 2, 4), (options.Interactive, options.Bulk, options.Churn));
        Assert.All(SoakOptions.FaultKinds, kind => Assert.Equal(SoakOptions.DefaultFaultRate, options.FaultRates[kind]));
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("2m", 120)]
    [InlineData("1.5h", 5400)]
    public void TryParse_Duration_ReadsSecondsMinutesHours(string text, int seconds)
    {
        var options = Parse(out _, "--out", "x", "--relay", Relay, "--duration", text);

        Assert.Equal(TimeSpan.FromSeconds(seconds), options!.Duration);
    }

    [Fact]
    public void TryParse_FaultRates_AllThenOneKind_LastWins()
    {
        var options = Parse(out _, "--out", "x", "--relay", Relay, "--fault", "all=0", "--fault", "overload=12");

        Assert.Equal(12, options!.FaultRates["overload"]);
        Assert.All(SoakOptions.FaultKinds.Where(k => k != "overload"), kind => Assert.Equal(0, options.FaultRates[kind]));
    }

    [Theory]
    [InlineData("--duration '2x': use a number with s, m or h", "--out", "x", "--relay", Relay, "--duration", "2x")]
    [InlineData("--duration '0s'", "--out", "x", "--relay", Relay, "--duration", "0s")]
    [InlineData("--churn 'many': expected a whole number", "--out", "x", "--relay", Relay, "--churn", "many")]
    [InlineData("--bulk '20000': expected a whole number from 0 to 10000", "--out", "x", "--relay", Relay, "--bulk", "20000")]
    [InlineData("--fault 'overload': expected KIND=PER_MINUTE", "--out", "x", "--relay", Relay, "--fault", "overload")]
    [InlineData("--fault 'gremlins=3': unknown kind 'gremlins'", "--out", "x", "--relay", Relay, "--fault", "gremlins=3")]
    [InlineData("--fault 'overload=601'", "--out", "x", "--relay", Relay, "--fault", "overload=601")]
    [InlineData("unknown option '--colour'", "--out", "x", "--relay", Relay, "--colour", "red")]
    [InlineData("--out DIR is required", "--relay", Relay)]
    [InlineData("--seed needs a value", "--out", "x", "--seed")]
    [InlineData("--relay '/nonexistent/relay': no such file", "--out", "x", "--relay", "/nonexistent/relay")]
    public void TryParse_BadInput_OneLineError(string expected, params string[] args)
    {
        var options = Parse(out var error, args);

        Assert.Null(options);
        Assert.NotNull(error);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void TryParse_NoRelayAnywhere_SaysHowToGetOne()
    {
        var options = SoakOptions.TryParse(["--out", "x"], "/", relayFromEnvironment: null, out var error);

        Assert.Null(options);
        Assert.Contains("./build.sh", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_ListsEveryOptionAndFaultKind()
    {
        Assert.True(SoakOptions.IsHelpRequest(["--out", "x", "--help"]));
        Assert.False(SoakOptions.IsHelpRequest(["--out", "x"]));
        foreach (var option in new[] { "--out", "--duration", "--relay", "--seed", "--interactive", "--bulk", "--churn", "--fault" })
        {
            Assert.Contains(option, SoakOptions.Help, StringComparison.Ordinal);
        }

        Assert.All(SoakOptions.FaultKinds, kind => Assert.Contains(kind, SoakOptions.Help, StringComparison.Ordinal));
    }
}
