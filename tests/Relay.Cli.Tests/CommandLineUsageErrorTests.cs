namespace Relay.Cli.Tests;

/// <summary>Command lines that are refused: a usage error whose message names the problem.</summary>
public sealed class CommandLineUsageErrorTests
{
    [Fact]
    public void Parse_BinaryAndText_IsUsageErrorNamingBoth()
    {
        var message = UsageError("-b", "-t", "-", "ws://host/");

        Assert.Contains("-b/--binary", message);
        Assert.Contains("-t/--text", message);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("10")]
    [InlineData("99999999999")]
    [InlineData("255")]
    [InlineData("16777217")]
    [InlineData("-1")]
    [InlineData("-0")]
    public void Parse_BadBufferSize_IsUsageErrorNamingOptionAndValue(string value)
    {
        var message = UsageError("-b", "-B", value, "-", "ws://host/");

        Assert.Contains("-B/--buffer-size", message);
        Assert.Contains($"'{value}'", message);
    }

    [Theory]
    [InlineData("--ping-interval", "soon")]
    [InlineData("--ping-timeout", "soon")]
    [InlineData("--close-timeout", "soon")]
    [InlineData("--ping-interval", "NaN")]
    [InlineData("--ping-timeout", "Infinity")]
    [InlineData("--ping-timeout", "-Infinity")]
    [InlineData("--close-timeout", "-NaN")]
    [InlineData("--close-timeout", "1e3")]
    [InlineData("--close-timeout", "99999999999")]
    public void Parse_BadSeconds_IsUsageErrorNamingOptionAndValue(string option, string value)
    {
        var message = UsageError("-b", option, value, "-", "ws://host/");

        Assert.Contains(option, message);
        Assert.Contains($"'{value}'", message);
    }

    [Fact]
    public void Parse_BadMaxMessageSize_IsUsageErrorNamingOption()
    {
        Assert.Contains("--max-message-size", UsageError("-b", "--max-message-size", "big", "-", "ws://host/"));
    }

    [Fact]
    public void Parse_OneSpecifier_IsUsageErrorCountingOne()
    {
        Assert.Contains("expected two addresses, got 1", UsageError("-b", "-"));
    }

    [Fact]
    public void Parse_ThreeSpecifiers_IsUsageErrorCountingThree()
    {
        Assert.Contains("expected two addresses, got 3", UsageError("-b", "-", "ws://a/", "ws://b/"));
    }

    [Fact]
    public void Parse_NoSpecifiers_IsUsageErrorCountingZero()
    {
        Assert.Contains("expected two addresses, got 0", UsageError("-b"));
    }

    [Theory]
    [InlineData("tcp:a:1", "tcp:b:2")]
    [InlineData("ws://a/", "-")]
    [InlineData("ws-l:127.0.0.1:1", "ws://a/")]
    [InlineData("tcp-l:127.0.0.1:1", "tcp:127.0.0.1:2")]
    [InlineData("-", "tcp:127.0.0.1:2")]
    public void Parse_UnsupportedPair_IsUsageErrorNamingBothSpecifiers(string left, string right)
    {
        var message = UsageError("-b", left, right);

        Assert.Contains($"'{left}'", message);
        Assert.Contains($"'{right}'", message);
    }

    [Fact]
    public void Parse_UnknownSpecifier_IsUsageErrorNamingIt()
    {
        var message = UsageError("-b", "foo:bar", "ws://host/");

        Assert.Contains("unsupported specifier 'foo:bar'", message);
    }

    [Theory]
    [InlineData("ws-l:nohostport")]
    [InlineData("ws-l::8080")]
    [InlineData("ws-l:host:99999")]
    [InlineData("ws-l:host:port")]
    public void Parse_ListenerWithoutHostPort_IsUsageErrorNamingIt(string listener)
    {
        var message = UsageError("-b", listener, "tcp:127.0.0.1:22");

        Assert.Contains($"'{listener}'", message);
        Assert.Contains("HOST:PORT", message);
    }

    [Fact]
    public void Parse_BadWebSocketUrl_IsUsageErrorNamingIt()
    {
        Assert.Contains("'ws://'", UsageError("-b", "-", "ws://"));
    }

    [Theory]
    [InlineData("NoColon")]
    [InlineData(": value")]
    [InlineData("Bad Name: value")]
    public void Parse_MalformedHeader_IsUsageErrorNamingIt(string header)
    {
        var message = UsageError("-b", "-H", header, "-", "ws://host/");

        Assert.Contains("-H", message);
        Assert.Contains(header, message);
    }

    [Fact]
    public void Parse_HeaderWithLineBreak_IsOneLineUsageErrorShowingTheBreakEscaped()
    {
        var message = UsageError("-b", "-H", "A: b\r\nInjected: yes", "-", "ws://host/");

        Assert.Contains("-H", message);
        Assert.Contains(@"'A: b\r\nInjected: yes'", message);
    }

    [Theory]
    [InlineData("-B", "64\n")]
    [InlineData("--ping-interval", "5\r\nx")]
    public void Parse_ValueWithLineBreak_IsOneLineUsageError(string option, string value)
    {
        var message = UsageError("-b", option, value, "-", "ws://host/");

        Assert.Contains(option, message);
        Assert.DoesNotContain('\r', message);
    }

    [Fact]
    public void Parse_SpecifierWithLineBreak_IsOneLineUsageError()
    {
        Assert.Contains(@"'foo\nbar'", UsageError("-b", "foo\nbar", "ws://host/"));
    }

    [Fact]
    public void Parse_UnknownOption_IsUsageErrorNamingIt()
    {
        Assert.Contains("--frob", UsageError("-b", "--frob", "-", "ws://host/"));
    }

    [Fact]
    public void Parse_UnknownOptionAfterSpecifiers_IsUsageErrorNamingIt()
    {
        Assert.Contains("--frob", UsageError("-b", "-", "ws://host/", "--frob"));
    }

    [Theory]
    [InlineData("-s", "-s")]
    [InlineData("--oneshot", "--oneshot")]
    [InlineData("--jsonrpc", "--jsonrpc")]
    [InlineData("-n", "-n")]
    [InlineData("--base64", "--base64")]
    [InlineData("--max-messages 3", "--max-messages")]
    [InlineData("--udp-oneshot", "--udp-oneshot")]
    [InlineData("--basic-auth x", "--basic-auth")]
    [InlineData("--conncap=3", "--conncap")]
    public void Parse_WebsocatOptionRelayLacks_IsRefusedByName(string option, string name)
    {
        string[] args = ["-b", .. option.Split(' '), "-", "ws://host/"];

        var message = UsageError(args);

        Assert.Contains(name, message);
        Assert.Contains("websocat", message);
    }

    private static string UsageError(params string[] args)
    {
        var outcome = CommandLine.Parse(args);
        var error = Assert.IsType<ParseOutcome.UsageError>(outcome);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.DoesNotContain('\n', error.Message); // one line on stderr (DESIGN.md §5)
        return error.Message;
    }
}
