using System.Text;
using BenchmarkDotNet.Attributes;
using Relay.Core.Framing;

namespace Relay.Benchmarks;

/// <summary>
/// Streaming UTF-8 validation of text messages: a whole message in one chunk, and the same message in two chunks
/// cut in the middle (for multibyte text, inside a code point, so the edge state is exercised).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(GigabytesPerSecondConfig))]
public class Utf8Benchmarks
{
    private const int Operations = 1000;
    private byte[] _text = [];
    private int _cut;

    [Params(1024, 65536)]
    public int Size { get; set; }

    [Params("ascii", "multibyte")]
    public string Text { get; set; } = "ascii";

    [GlobalSetup]
    public void Setup()
    {
        // Two-, three- and four-byte sequences among ASCII: German, Japanese, Cyrillic and an emoji.
        var sample = Text == "ascii" ? "The quick brown fox jumps over the lazy dog. " : "Grüße aus Köln, 日本語のテキスト, привет 🙂 ";
        var builder = new StringBuilder();
        while (Encoding.UTF8.GetByteCount(builder.ToString()) < Size + 8)
        {
            builder.Append(sample);
        }

        var bytes = Encoding.UTF8.GetBytes(builder.ToString());
        var end = Size;
        while ((bytes[end] & 0xC0) == 0x80)
        {
            end--; // end on a code point boundary: the message is valid UTF-8 of (nearly) Size bytes
        }

        _text = bytes[..end];
        _cut = _text.Length / 2;
        if (Text != "ascii")
        {
            while ((_text[_cut] & 0xC0) != 0x80)
            {
                _cut++; // cut inside a code point
            }
        }

        if (!Whole() || !Split())
        {
            throw new InvalidOperationException("The sample is not valid UTF-8.");
        }
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public bool Whole()
    {
        var valid = true;
        for (var i = 0; i < Operations; i++)
        {
            var validator = default(Utf8Validator);
            valid &= validator.TryAppend(_text) && validator.IsComplete;
        }

        return valid;
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public bool Split()
    {
        var text = _text.AsSpan();
        var valid = true;
        for (var i = 0; i < Operations; i++)
        {
            var validator = default(Utf8Validator);
            valid &= validator.TryAppend(text[.._cut]) && validator.TryAppend(text[_cut..]) && validator.IsComplete;
        }

        return valid;
    }
}
