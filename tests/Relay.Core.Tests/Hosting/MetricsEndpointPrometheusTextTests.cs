using Relay.Testing;

namespace Relay.Core.Tests.Hosting;

/// <summary>
/// The parser the /metrics tests (and the serve tests) trust: it must read what the format allows and refuse what
/// Prometheus refuses, or a scrape test would pass on a broken exposition.
/// </summary>
public sealed class MetricsEndpointPrometheusTextTests
{
    [Fact]
    public void Parse_FullExposition_ReadsTypesHelpLabelsAndValues()
    {
        var text = PrometheusText.Parse("""
            # HELP relay_handshake_failures_total Refused upgrades,\\ tagged\nby status
            # TYPE relay_handshake_failures_total counter
            relay_handshake_failures_total{status="503",path="/a\"b\\c"} 3
            relay_handshake_failures_total{status="401",} 1e3 1700000000000
            # a plain comment
            # TYPE relay_session_duration_seconds histogram
            relay_session_duration_seconds_bucket{le="1"} 1
            relay_session_duration_seconds_bucket{le="+Inf"} 2
            relay_session_duration_seconds_sum{} 42.5
            relay_session_duration_seconds_count 2
            untyped_thing -Inf

            """);

        Assert.Equal("counter", text.Types["relay_handshake_failures_total"]);
        Assert.Equal("histogram", text.Types["relay_session_duration_seconds"]);
        Assert.Equal("Refused upgrades,\\ tagged\nby status", text.Help["relay_handshake_failures_total"]);
        Assert.Equal(3, text.ValueOrZero("relay_handshake_failures_total", ("status", "503")));
        Assert.Equal("/a\"b\\c", text.Find("relay_handshake_failures_total", ("status", "503")).Single().Labels["path"]);
        Assert.Equal(1000, text.ValueOrZero("relay_handshake_failures_total", ("status", "401")));
        Assert.Equal(2, text.ValueOrZero("relay_session_duration_seconds_bucket", ("le", "+Inf")));
        Assert.Equal(42.5, text.ValueOrZero("relay_session_duration_seconds_sum"));
        Assert.Equal(double.NegativeInfinity, text.ValueOrZero("untyped_thing"));
        Assert.Equal(0, text.ValueOrZero("relay_handshake_failures_total", ("status", "404")));
    }

    [Theory]
    [InlineData("1metric 1", "name starting with a digit")]
    [InlineData("metric{a=\"1\" 1", "unterminated label set")]
    [InlineData("metric{a=1} 1", "unquoted label value")]
    [InlineData("metric{a=\"1\",a=\"2\"} 1", "label twice")]
    [InlineData("metric{a=\"\\x\"} 1", "unknown escape")]
    [InlineData("metric one", "value not a float")]
    [InlineData("metric 1 2 3", "too many fields")]
    [InlineData("metric", "no value")]
    [InlineData("metric 1 1.5", "timestamp not an integer")]
    [InlineData("# TYPE metric countr", "unknown type")]
    [InlineData("# TYPE h histogram\nh 1", "histogram sample without suffix")]
    [InlineData("# TYPE h histogram\nh_bucket 1", "bucket without le")]
    [InlineData("m 1\n# TYPE m counter", "TYPE after the samples")]
    [InlineData("# TYPE m counter\n# TYPE m gauge", "second TYPE")]
    public void Parse_Malformed_Throws(string exposition, string because)
    {
        var error = Assert.Throws<FormatException>(() => PrometheusText.Parse(exposition));

        Assert.False(string.IsNullOrEmpty(error.Message), because);
    }

    [Fact]
    public void ValueOrZero_SeveralMatches_AsksForMoreLabels()
    {
        var text = PrometheusText.Parse("m{a=\"1\"} 1\nm{a=\"2\"} 2\n");

        Assert.Throws<InvalidOperationException>(() => text.ValueOrZero("m"));
        Assert.Equal(2, text.ValueOrZero("m", ("a", "2")));
    }
}
