using Relay.Soak.Monitoring;

namespace Relay.Soak.Tests;

public sealed class PrometheusGaugeTests
{
    [Fact]
    public void Sum_LabelledSamplesAndLookalikeNames_SumsOnlyTheGauge()
    {
        const string text = """
            # HELP relay_sessions_active Sessions currently relaying
            # TYPE relay_sessions_active gauge
            relay_sessions_active{route="/a",tls="false"} 2
            relay_sessions_active{route="/b"} 5 1733350000000
            relay_sessions_active_total 100
            relay_sessions_total{} 7
            """;

        Assert.Equal(7, PrometheusGauge.Sum(text, "relay_sessions_active"));
    }

    [Fact]
    public void Sum_UnlabelledSample_ReadsIt()
    {
        Assert.Equal(0, PrometheusGauge.Sum("relay_sessions_active 0\n", "relay_sessions_active"));
    }

    [Fact]
    public void Sum_GaugeAbsent_ReturnsNull()
    {
        Assert.Null(PrometheusGauge.Sum("# TYPE relay_sessions_total counter\nrelay_sessions_total 3\n", "relay_sessions_active"));
    }
}
