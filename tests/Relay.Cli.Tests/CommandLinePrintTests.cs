using System.Text.RegularExpressions;

namespace Relay.Cli.Tests;

/// <summary>--help and --version: text to print, no run.</summary>
public sealed class CommandLinePrintTests
{
    [Theory]
    [InlineData("-b")]
    [InlineData("--binary")]
    [InlineData("-t")]
    [InlineData("--text")]
    [InlineData("-B")]
    [InlineData("--buffer-size")]
    [InlineData("-E")]
    [InlineData("--exit-on-eof")]
    [InlineData("-H")]
    [InlineData("--header")]
    [InlineData("--protocol")]
    [InlineData("--origin")]
    [InlineData("-k")]
    [InlineData("--insecure")]
    [InlineData("--ping-interval")]
    [InlineData("--ping-timeout")]
    [InlineData("--close-timeout")]
    [InlineData("--max-message-size")]
    [InlineData("-q")]
    [InlineData("-v")]
    public void Parse_Help_ListsOption(string option)
    {
        var help = Print("--help");

        // The option as a token of its own: "-b" inside "--binary" does not count.
        Assert.Matches(new Regex($"(?<![\\w-]){Regex.Escape(option)}(?![\\w-])"), help);
    }

    [Fact]
    public void Parse_Help_ShowsTheThreeModesAndExitCodes()
    {
        var help = Print("--help");

        Assert.Contains("- wss://host/path", help);
        Assert.Contains("ws-l:0.0.0.0:8081 tcp:127.0.0.1:22", help);
        Assert.Contains("tcp-l:127.0.0.1:2222 wss://host/path", help);
        Assert.Contains("2 usage error", help);
    }

    [Fact]
    public void Parse_ShortHelp_PrintsSameHelp()
    {
        Assert.Equal(Print("--help"), Print("-h"));
    }

    [Fact]
    public void Parse_Version_PrintsProductVersion()
    {
        Assert.Equal("0.1.0", Print("--version").Trim());
    }

    private static string Print(params string[] args)
    {
        var outcome = CommandLine.Parse(args);
        return Assert.IsType<ParseOutcome.Print>(outcome).Text;
    }
}
