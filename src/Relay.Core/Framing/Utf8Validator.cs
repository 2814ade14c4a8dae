using System.Text.Unicode;

namespace Relay.Core.Framing;

/// <summary>
/// Streaming UTF-8 validation for text messages (RFC 6455 §8.1): a code point may be split across frames and reads.
/// Complete runs go through the vectorized <see cref="Utf8.IsValid(ReadOnlySpan{byte})"/>; only the few bytes of a
/// code point cut at a chunk edge go through the byte-at-a-time state below (RFC 3629 §4 table).
/// </summary>
public struct Utf8Validator
{
    private int _needed;   // continuation bytes still expected for the open code point
    private byte _low;     // bounds for the next continuation byte (narrower after E0, ED, F0, F4)
    private byte _high;

    /// <summary>True when no code point is left open: a message may end here.</summary>
    public readonly bool IsComplete => _needed == 0;

    public void Reset() => this = default;

    /// <summary>Feeds the next piece of a text message; false as soon as the bytes cannot be UTF-8.</summary>
    public bool TryAppend(ReadOnlySpan<byte> chunk)
    {
        var i = 0;
        while (_needed != 0 && i < chunk.Length)
        {
            if (!Step(chunk[i++]))
            {
                return false;
            }
        }

        if (i == chunk.Length)
        {
            return true;
        }

        var rest = chunk[i..];
        var cut = IncompleteTailStart(rest);
        if (!Utf8.IsValid(rest[..cut]))
        {
            return false;
        }

        foreach (var b in rest[cut..])
        {
            if (!Step(b))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Where a trailing code point that the chunk does not finish begins, or the chunk length.</summary>
    private static int IncompleteTailStart(ReadOnlySpan<byte> span)
    {
        for (var back = 1; back <= 3 && back <= span.Length; back++)
        {
            var b = span[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue; // a continuation byte: keep looking for its lead
            }

            var length = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
            return length > back ? span.Length - back : span.Length;
        }

        return span.Length;
    }

    private bool Step(byte b)
    {
        if (_needed == 0)
        {
            switch (b)
            {
                case < 0x80:
                    return true;
                case >= 0xC2 and <= 0xDF:
                    Open(1, 0x80, 0xBF);
                    return true;
                case 0xE0:
                    Open(2, 0xA0, 0xBF); // no overlong 3-byte forms
                    return true;
                case 0xED:
                    Open(2, 0x80, 0x9F); // no UTF-16 surrogates
                    return true;
                case >= 0xE1 and <= 0xEF:
                    Open(2, 0x80, 0xBF);
                    return true;
                case 0xF0:
                    Open(3, 0x90, 0xBF); // no overlong 4-byte forms
                    return true;
                case >= 0xF1 and <= 0xF3:
                    Open(3, 0x80, 0xBF);
                    return true;
                case 0xF4:
                    Open(3, 0x80, 0x8F); // nothing above U+10FFFF
                    return true;
                default:
                    return false;
            }
        }

        if (b < _low || b > _high)
        {
            return false;
        }

        _needed--;
        _low = 0x80;
        _high = 0xBF;
        return true;
    }

    private void Open(int needed, byte low, byte high)
    {
        _needed = needed;
        _low = low;
        _high = high;
    }
}
