using Relay.Core.Framing;

namespace Relay.Core.Tests.Framing;

public class CloseStatusTests
{
    [Theory]
    [InlineData(1000)]
    [InlineData(1001)]
    [InlineData(1002)]
    [InlineData(1003)]
    [InlineData(1007)]
    [InlineData(1008)]
    [InlineData(1009)]
    [InlineData(1010)]
    [InlineData(1011)]
    [InlineData(1012)]
    [InlineData(1013)]
    [InlineData(1014)]
    [InlineData(3000)]
    [InlineData(3999)]
    [InlineData(4000)]
    [InlineData(4999)]
    public void IsValidOnWire_DefinedRegisteredOrApplicationCode_True(int code) => Assert.True(CloseStatus.IsValidOnWire(code));

    [Theory]
    [InlineData(1004)] // reserved
    [InlineData(1005)] // reserved: no status code present
    [InlineData(1006)] // reserved: closed without a Close frame
    [InlineData(1015)] // reserved: TLS handshake failure
    [InlineData(0)]
    [InlineData(999)]
    [InlineData(1016)]
    [InlineData(2000)]
    [InlineData(2999)]
    [InlineData(5000)]
    [InlineData(65535)]
    [InlineData(-1)]
    public void IsValidOnWire_ReservedOrUnassignedCode_False(int code) => Assert.False(CloseStatus.IsValidOnWire(code));
}
