namespace Relay.Interop.Tests;

/// <summary>Streaming RFC 6455 frame-header reader: counts opcodes, skips payloads.</summary>
internal sealed class FrameCounter
{
    private readonly byte[] _header = new byte[14];
    private int _headMatched; // bytes of "\r\n\r\n" matched so far; 4 once the HTTP head is behind us
    private int _headerFill;
    private long _payloadLeft;

    /// <summary>Consumes <paramref name="bytes"/>; true when at least one frame header completed.</summary>
    public bool Feed(ReadOnlySpan<byte> bytes, int[] counts)
    {
        var counted = false;
        var i = 0;
        while (i < bytes.Length)
        {
            if (_headMatched < 4)
            {
                var b = bytes[i++];
                var expected = _headMatched % 2 == 0 ? (byte)'\r' : (byte)'\n';
                _headMatched = b == expected ? _headMatched + 1 : b == '\r' ? 1 : 0;
                continue;
            }

            if (_payloadLeft > 0)
            {
                var skip = (int)Math.Min(_payloadLeft, bytes.Length - i);
                _payloadLeft -= skip;
                i += skip;
                continue;
            }

            _header[_headerFill++] = bytes[i++];
            if (_headerFill < 2)
            {
                continue;
            }

            var length7 = _header[1] & 0x7F;
            var masked = (_header[1] & 0x80) != 0;
            var needed = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + (masked ? 4 : 0);
            if (_headerFill < needed)
            {
                continue;
            }

            long length = length7 switch
            {
                126 => (_header[2] << 8) | _header[3],
                127 => (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(_header.AsSpan(2, 8)),
                _ => length7,
            };
            Interlocked.Increment(ref counts[_header[0] & 0x0F]);
            counted = true;
            _payloadLeft = length;
            _headerFill = 0;
        }

        return counted;
    }
}
