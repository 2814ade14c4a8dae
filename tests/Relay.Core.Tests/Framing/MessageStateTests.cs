using Relay.Core.Framing;

namespace Relay.Core.Tests.Framing;

public class MessageStateTests
{
    private const long Unlimited = 0;

    [Fact]
    public void OnHeader_ContinuationWithoutStart_ProtocolError()
    {
        var state = default(MessageState);

        Assert.Equal(CloseStatus.ProtocolError, state.OnHeader(Header(Opcode.Continuation, fin: true, 3), Unlimited));
    }

    [Fact]
    public void OnHeader_ContinuationAfterFinishedMessage_ProtocolError()
    {
        var state = default(MessageState);
        Assert.Equal(0, state.OnHeader(Header(Opcode.Binary, fin: true, 3), Unlimited));
        Assert.Equal(0, state.OnFrameEnd(fin: true));

        Assert.Equal(CloseStatus.ProtocolError, state.OnHeader(Header(Opcode.Continuation, fin: true, 3), Unlimited));
    }

    [Theory]
    [InlineData(Opcode.Text, Opcode.Text)]
    [InlineData(Opcode.Text, Opcode.Binary)]
    [InlineData(Opcode.Binary, Opcode.Text)]
    [InlineData(Opcode.Binary, Opcode.Binary)]
    public void OnHeader_NewMessageInsideOpenFragmentedMessage_ProtocolError(Opcode first, Opcode second)
    {
        var state = default(MessageState);
        Assert.Equal(0, state.OnHeader(Header(first, fin: false, 3), Unlimited));
        Assert.Equal(0, state.OnFrameEnd(fin: false));

        Assert.Equal(CloseStatus.ProtocolError, state.OnHeader(Header(second, fin: true, 3), Unlimited));
    }

    [Theory]
    [InlineData(Opcode.Ping)]
    [InlineData(Opcode.Pong)]
    [InlineData(Opcode.Close)]
    public void OnHeader_ControlFrameBetweenFragments_AcceptedWithoutDisturbingState(Opcode control)
    {
        var state = default(MessageState);
        Assert.Equal(0, state.OnHeader(Header(Opcode.Text, fin: false, 2), maxMessageSize: 10));
        Assert.True(state.OnPayload([0x61, 0xE2])); // "a" and the first byte of €
        Assert.Equal(0, state.OnFrameEnd(fin: false));

        // A control frame of 100 bytes: neither counted against the 10-byte message limit nor fed to the UTF-8 state.
        Assert.Equal(0, state.OnHeader(Header(control, fin: true, 100), maxMessageSize: 10));
        Assert.True(state.IsText);

        Assert.Equal(0, state.OnHeader(Header(Opcode.Continuation, fin: true, 2), maxMessageSize: 10));
        Assert.True(state.IsText);
        Assert.True(state.OnPayload([0x82, 0xAC])); // the rest of €
        Assert.Equal(0, state.OnFrameEnd(fin: true));

        // The message is closed: a further continuation has nothing to continue.
        Assert.Equal(CloseStatus.ProtocolError, state.OnHeader(Header(Opcode.Continuation, fin: true, 0), Unlimited));
    }

    [Fact]
    public void OnHeader_ControlFrameWithNoMessageOpen_AcceptedAndOpensNothing()
    {
        var state = default(MessageState);

        Assert.Equal(0, state.OnHeader(Header(Opcode.Ping, fin: true, 5), Unlimited));
        Assert.Equal(CloseStatus.ProtocolError, state.OnHeader(Header(Opcode.Continuation, fin: true, 0), Unlimited));
    }

    [Fact]
    public void OnHeader_SingleFrameOverLimit_MessageTooBig()
    {
        var state = default(MessageState);

        Assert.Equal(CloseStatus.MessageTooBig, state.OnHeader(Header(Opcode.Binary, fin: true, 101), maxMessageSize: 100));
    }

    [Fact]
    public void OnHeader_SingleFrameAtLimit_Accepted()
    {
        var state = default(MessageState);

        Assert.Equal(0, state.OnHeader(Header(Opcode.Binary, fin: true, 100), maxMessageSize: 100));
    }

    [Fact]
    public void OnHeader_FragmentsSummingOverLimit_MessageTooBig()
    {
        var state = default(MessageState);
        Assert.Equal(0, state.OnHeader(Header(Opcode.Binary, fin: false, 40), maxMessageSize: 100));
        Assert.Equal(0, state.OnFrameEnd(fin: false));
        Assert.Equal(0, state.OnHeader(Header(Opcode.Continuation, fin: false, 60), maxMessageSize: 100));
        Assert.Equal(0, state.OnFrameEnd(fin: false));

        Assert.Equal(CloseStatus.MessageTooBig, state.OnHeader(Header(Opcode.Continuation, fin: true, 1), maxMessageSize: 100));
    }

    [Fact]
    public void OnHeader_HugeFrameOnTopOfFragments_MessageTooBigWithoutOverflow()
    {
        var state = default(MessageState);
        Assert.Equal(0, state.OnHeader(Header(Opcode.Binary, fin: false, 50), maxMessageSize: 100));
        Assert.Equal(0, state.OnFrameEnd(fin: false));

        // 50 + long.MaxValue would wrap negative if only the running sum were compared.
        Assert.Equal(CloseStatus.MessageTooBig, state.OnHeader(Header(Opcode.Continuation, fin: true, long.MaxValue), maxMessageSize: 100));
    }

    [Fact]
    public void OnHeader_NewMessageAfterFinishedOne_StartsLengthFromZero()
    {
        var state = default(MessageState);
        Assert.Equal(0, state.OnHeader(Header(Opcode.Binary, fin: true, 80), maxMessageSize: 100));
        Assert.Equal(0, state.OnFrameEnd(fin: true));

        Assert.Equal(0, state.OnHeader(Header(Opcode.Text, fin: true, 80), maxMessageSize: 100));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    public void OnHeader_NoLimit_AcceptsLargestLength(long maxMessageSize)
    {
        var state = default(MessageState);

        Assert.Equal(0, state.OnHeader(Header(Opcode.Binary, fin: true, long.MaxValue), maxMessageSize));
    }

    [Fact]
    public void OnFrameEnd_TextEndingWithIncompleteCodePoint_InvalidPayloadData()
    {
        var state = default(MessageState);
        Assert.Equal(0, state.OnHeader(Header(Opcode.Text, fin: true, 3), Unlimited));
        Assert.True(state.OnPayload([0x61, 0xE2, 0x82])); // "a" and two of €'s three bytes

        Assert.Equal(CloseStatus.InvalidPayloadData, state.OnFrameEnd(fin: true));
    }

    [Fact]
    public void OnFrameEnd_CodePointCutBetweenFragments_AcceptedAtFinalFrame()
    {
        var state = default(MessageState);
        Assert.Equal(0, state.OnHeader(Header(Opcode.Text, fin: false, 2), Unlimited));
        Assert.True(state.OnPayload([0xF0, 0x9F])); // the first half of 🎉
        Assert.Equal(0, state.OnFrameEnd(fin: false)); // a non-final frame may end mid code point

        Assert.Equal(0, state.OnHeader(Header(Opcode.Continuation, fin: true, 2), Unlimited));
        Assert.True(state.OnPayload([0x8E, 0x89]));
        Assert.Equal(0, state.OnFrameEnd(fin: true));
    }

    [Fact]
    public void OnPayload_InvalidUtf8InText_False()
    {
        var state = default(MessageState);
        Assert.Equal(0, state.OnHeader(Header(Opcode.Text, fin: true, 4), Unlimited));

        Assert.False(state.OnPayload([0x61, 0xED, 0xA0, 0x80])); // "a" and the surrogate U+D800
    }

    [Fact]
    public void OnPayload_InvalidUtf8InBinary_TrueAndFrameEndAccepted()
    {
        var state = default(MessageState);
        Assert.Equal(0, state.OnHeader(Header(Opcode.Binary, fin: true, 3), Unlimited));

        Assert.False(state.IsText);
        Assert.True(state.OnPayload([0xFF, 0xC0, 0xE2]));
        Assert.Equal(0, state.OnFrameEnd(fin: true));
    }

    [Fact]
    public void OnHeader_TextAfterTextEndedBadly_StartsWithFreshUtf8State()
    {
        var state = default(MessageState);
        Assert.Equal(0, state.OnHeader(Header(Opcode.Text, fin: true, 1), Unlimited));
        Assert.True(state.OnPayload([0xE2]));
        Assert.Equal(CloseStatus.InvalidPayloadData, state.OnFrameEnd(fin: true));

        Assert.Equal(0, state.OnHeader(Header(Opcode.Text, fin: true, 1), Unlimited));
        Assert.True(state.OnPayload("a"u8)); // would break the open € if the validator were not reset
        Assert.Equal(0, state.OnFrameEnd(fin: true));
    }

    private static FrameHeader Header(Opcode opcode, bool fin, long payloadLength) =>
        new(fin, opcode, Masked: true, MaskKey: 0x01020304, payloadLength, FrameWriter.GetHeaderLength(payloadLength, masked: true));
}
