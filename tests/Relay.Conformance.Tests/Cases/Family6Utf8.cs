using Relay.Core.Framing;

namespace Relay.Conformance.Tests;

/// <summary>
/// Autobahn family 6: a text message must be UTF-8 (RFC 6455 §5.6, §8.1), checked as it streams and across fragment
/// boundaries; anything else is a 1007. Binary messages are not checked.
/// </summary>
public abstract class Family6Utf8Cases(RelayFixture relay) : ConformanceCases(relay)
{
    /// <summary>Two-, three- and four-byte sequences, U+FFFF and U+10FFFF (the largest code point).</summary>
    [Fact]
    public async Task Family6_Utf8_Case6_1_ValidMultibyteText_RelayedIntact()
    {
        await using var session = await OpenAsync();
        var text = Payloads.Concat(Payloads.Utf8("κόσμε € 𝄞 Hello-µ@ßöäüàá-UTF-8!!"), Convert.FromHexString("EFBFBF" + "F48FBFBF"));
        await session.SendAsync(session.Frame(Opcode.Text, text));
        await ExpectRelayedAsync(session, text);
    }

    /// <summary>U+1D11E (F0 9D 84 9E) split after 1, 2 and 3 of its bytes across two fragments: valid.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Family6_Utf8_Case6_2_CodePointSplitAcrossFragments_RelayedIntact(int split)
    {
        await using var session = await OpenAsync();
        var text = Convert.FromHexString("61" + "F09D849E" + "62");
        await session.SendAsync(session.Frame(Opcode.Text, text.AsSpan(0, 1 + split), fin: false), session.Frame(Opcode.Continuation, text.AsSpan(1 + split)));
        await ExpectRelayedAsync(session, text);
    }

    /// <summary>A code point split across fragments, each fragment in one-byte writes.</summary>
    [Fact]
    public async Task Family6_Utf8_Case6_3_CodePointSplitAcrossFragmentsInOneByteWrites_RelayedIntact()
    {
        await using var session = await OpenAsync();
        var text = Payloads.Utf8("κόσμε");
        var frames = Enumerable.Range(0, text.Length).Select(i => session.Frame(i == 0 ? Opcode.Text : Opcode.Continuation, text.AsSpan(i, 1), fin: i == text.Length - 1));
        await session.SendChoppedAsync(Payloads.Concat([.. frames]), maxWrite: 1);
        await ExpectRelayedAsync(session, text);
    }

    [Theory]
    [InlineData("FF")]           // never valid in UTF-8
    [InlineData("FE")]
    [InlineData("80")]           // a lone continuation byte
    [InlineData("C328")]         // a lead byte followed by a non-continuation
    [InlineData("CEBAE1BDB9CF83CEBCCEB5EDA080656469746564")] // valid text, then a surrogate, then more text
    public Task Family6_Utf8_Case6_4_InvalidUtf8InText_Closes1007(string hex) =>
        ExpectRejectedAsync(s => s.Frame(Opcode.Text, Convert.FromHexString("61" + hex)), CloseStatus.InvalidPayloadData);

    /// <summary>
    /// F0 9D ends the first fragment (a valid start), 41 begins the second (not a continuation byte): 1007. The first
    /// fragment was valid so far and was streamed through; nothing of the second is.
    /// </summary>
    [Fact]
    public async Task Family6_Utf8_Case6_5_CodePointSplitAcrossFragmentsInvalid_Closes1007()
    {
        await using var session = await OpenAsync();
        var first = Convert.FromHexString("61F09D");
        await session.SendAsync(session.Frame(Opcode.Text, first, fin: false), session.Frame(Opcode.Continuation, Convert.FromHexString("41849E")));
        await session.ExpectFailedAsync(CloseStatus.InvalidPayloadData, first);
    }

    /// <summary>
    /// A text message that ends in the middle of a code point (F0 9D 84, then FIN): 1007. Each fragment was valid so far
    /// when it arrived, so a streaming relay has passed it on; only the end of the message shows it was cut.
    /// </summary>
    [Fact]
    public async Task Family6_Utf8_Case6_6_TruncatedCodePointAtMessageEnd_Closes1007()
    {
        await using var session = await OpenAsync();
        await session.SendAsync(session.Frame(Opcode.Text, Convert.FromHexString("61F09D"), fin: false), session.Frame(Opcode.Continuation, Convert.FromHexString("84")));
        await session.ExpectFailedAsync(CloseStatus.InvalidPayloadData, Convert.FromHexString("61F09D84"));
    }

    [Theory]
    [InlineData("C0AF")]         // '/' in two bytes
    [InlineData("C180")]
    [InlineData("E080AF")]       // '/' in three bytes
    [InlineData("F08080AF")]     // '/' in four bytes
    [InlineData("F88080AF80")]   // five-byte form
    [InlineData("E09FBF")]       // U+07FF in three bytes
    public Task Family6_Utf8_Case6_7_OverlongEncoding_Closes1007(string hex) =>
        ExpectRejectedAsync(s => s.Frame(Opcode.Text, Convert.FromHexString(hex)), CloseStatus.InvalidPayloadData);

    [Theory]
    [InlineData("EDA080")]       // U+D800, a lone high surrogate
    [InlineData("EDBFBF")]       // U+DFFF, a lone low surrogate
    [InlineData("EDA0BDEDB2A9")] // a surrogate pair encoded as two three-byte sequences (CESU-8)
    public Task Family6_Utf8_Case6_8_Surrogate_Closes1007(string hex) =>
        ExpectRejectedAsync(s => s.Frame(Opcode.Text, Convert.FromHexString(hex)), CloseStatus.InvalidPayloadData);

    [Theory]
    [InlineData("F4908080")]     // U+110000
    [InlineData("F5808080")]
    [InlineData("F7BFBFBF")]
    public Task Family6_Utf8_Case6_9_AboveU10FFFF_Closes1007(string hex) =>
        ExpectRejectedAsync(s => s.Frame(Opcode.Text, Convert.FromHexString(hex)), CloseStatus.InvalidPayloadData);

    /// <summary>Binary messages are bytes, not text: the same invalid sequences pass untouched.</summary>
    [Fact]
    public async Task Family6_Utf8_Case6_10_InvalidUtf8InBinary_RelayedIntact()
    {
        await using var session = await OpenAsync();
        var bytes = Convert.FromHexString("FFFE80C0AFEDA080F4908080F09D");
        await session.SendAsync(session.Frame(Opcode.Binary, bytes));
        await ExpectRelayedAsync(session, bytes);
    }

    private static async Task ExpectRelayedAsync(ConformanceSession session, byte[] expected)
    {
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(await session.ReadByteSideAsync(expected.Length)));
        await session.ExpectNothingSentAsync();
        await session.CloseNormallyAsync();
    }
}

public sealed class Family6_Utf8_ServerRole(ServerRoleFixture relay) : Family6Utf8Cases(relay), IClassFixture<ServerRoleFixture>;

public sealed class Family6_Utf8_ClientRole(ClientRoleFixture relay) : Family6Utf8Cases(relay), IClassFixture<ClientRoleFixture>;
