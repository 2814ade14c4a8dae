using System.Globalization;
using System.Text;

namespace Relay.Testing;

/// <summary>
/// A strict parser of the Prometheus text exposition format 0.0.4, for tests that scrape <c>/metrics</c>: it throws
/// <see cref="FormatException"/> on any line Prometheus itself would refuse (bad names, unterminated labels, values that
/// are not floats, a TYPE after its samples, a histogram sample without its suffix), so a test that parses has also
/// checked the format.
/// </summary>
public sealed class PrometheusText
{
    private readonly Dictionary<string, string> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _help = new(StringComparer.Ordinal);
    private readonly List<Sample> _samples = [];

    private PrometheusText()
    {
    }

    /// <summary>Metric family name → counter, gauge, histogram, summary or untyped.</summary>
    public IReadOnlyDictionary<string, string> Types => _types;

    /// <summary>Metric family name → its HELP text, unescaped.</summary>
    public IReadOnlyDictionary<string, string> Help => _help;

    public IReadOnlyList<Sample> Samples => _samples;

    /// <summary>One line of data: a sample name (with its suffix for histograms), its labels and its value.</summary>
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
    {
        /// <summary>Whether every given label is present with the given value (other labels may be present too).</summary>
        public bool Has(params (string Name, string Value)[] labels) =>
            labels.All(label => Labels.TryGetValue(label.Name, out var value) && value == label.Value);
    }

    public static PrometheusText Parse(string text)
    {
        var result = new PrometheusText();
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            try
            {
                result.ParseLine(line);
            }
            catch (FormatException ex)
            {
                throw new FormatException($"line {lineNumber}: {ex.Message}: \"{line}\"", ex);
            }
        }

        return result;
    }

    /// <summary>The samples named <paramref name="name"/> that carry all of <paramref name="labels"/>.</summary>
    public IEnumerable<Sample> Find(string name, params (string Name, string Value)[] labels) =>
        _samples.Where(sample => sample.Name == name && sample.Has(labels));

    /// <summary>The value of the one sample that matches, or 0 when none does (a series not yet recorded).</summary>
    public double ValueOrZero(string name, params (string Name, string Value)[] labels)
    {
        var matches = Find(name, labels).ToList();
        return matches.Count switch
        {
            0 => 0,
            1 => matches[0].Value,
            _ => throw new InvalidOperationException($"{matches.Count} samples of {name} match; give more labels"),
        };
    }

    private void ParseLine(string line)
    {
        if (line.Length == 0)
        {
            return;
        }

        if (line[0] == '#')
        {
            ParseComment(line);
            return;
        }

        var position = 0;
        var name = ReadName(line, ref position, isMetricName: true);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (position < line.Length && line[position] == '{')
        {
            position++;
            ReadLabels(line, ref position, labels);
        }

        if (position >= line.Length || line[position] != ' ')
        {
            throw new FormatException("expected a space before the value");
        }

        var fields = line[(position + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is 0 or > 2)
        {
            throw new FormatException("expected a value and an optional timestamp");
        }

        var value = ParseValue(fields[0]);
        if (fields.Length == 2 && !long.TryParse(fields[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            throw new FormatException("the timestamp is not an integer");
        }

        CheckFamily(name, labels);
        _samples.Add(new Sample(name, labels, value));
    }

    private void ParseComment(string line)
    {
        var parts = line.Split(' ', 4);
        if (parts.Length < 3 || parts[0] != "#" || parts[1] is not ("TYPE" or "HELP"))
        {
            return; // A plain comment.
        }

        var position = 0;
        var name = ReadName(parts[2], ref position, isMetricName: true);
        if (position != parts[2].Length)
        {
            throw new FormatException("bad metric name");
        }

        if (parts[1] == "HELP")
        {
            if (!_help.TryAdd(name, parts.Length > 3 ? Unescape(parts[3], allowQuote: false) : string.Empty))
            {
                throw new FormatException($"a second HELP for {name}");
            }

            return;
        }

        var type = parts.Length > 3 ? parts[3] : string.Empty;
        if (type is not ("counter" or "gauge" or "histogram" or "summary" or "untyped"))
        {
            throw new FormatException($"unknown type '{type}'");
        }

        if (_samples.Any(sample => FamilyOf(sample.Name) == name))
        {
            throw new FormatException($"TYPE of {name} after its samples");
        }

        if (!_types.TryAdd(name, type))
        {
            throw new FormatException($"a second TYPE for {name}");
        }
    }

    private void CheckFamily(string name, Dictionary<string, string> labels)
    {
        var family = FamilyOf(name);
        if (!_types.TryGetValue(family, out var type))
        {
            return; // Untyped.
        }

        if (type == "histogram")
        {
            if (name == family)
            {
                throw new FormatException($"histogram {family} needs _bucket, _sum or _count");
            }

            if (name.EndsWith("_bucket", StringComparison.Ordinal) && !labels.ContainsKey("le"))
            {
                throw new FormatException("a histogram bucket without le");
            }
        }
    }

    /// <summary>The family a sample belongs to: a histogram's or summary's sample names carry a suffix.</summary>
    private string FamilyOf(string sampleName)
    {
        foreach (var suffix in (ReadOnlySpan<string>)["_bucket", "_sum", "_count"])
        {
            if (sampleName.EndsWith(suffix, StringComparison.Ordinal))
            {
                var family = sampleName[..^suffix.Length];
                if (_types.TryGetValue(family, out var type) && type is "histogram" or "summary")
                {
                    return family;
                }
            }
        }

        return sampleName;
    }

    private static string ReadName(string line, ref int position, bool isMetricName)
    {
        var start = position;
        while (position < line.Length)
        {
            var c = line[position];
            var valid = char.IsAsciiLetter(c) || c == '_' || (isMetricName && c == ':') || (position > start && char.IsAsciiDigit(c));
            if (!valid)
            {
                break;
            }

            position++;
        }

        if (position == start)
        {
            throw new FormatException($"expected a name at column {start + 1}");
        }

        return line[start..position];
    }

    private static void ReadLabels(string line, ref int position, Dictionary<string, string> labels)
    {
        while (true)
        {
            if (position < line.Length && line[position] == '}')
            {
                position++;
                return;
            }

            var name = ReadName(line, ref position, isMetricName: false);
            if (position + 1 >= line.Length || line[position] != '=' || line[position + 1] != '"')
            {
                throw new FormatException($"expected =\" after label {name}");
            }

            position += 2;
            var value = new StringBuilder();
            while (true)
            {
                if (position >= line.Length)
                {
                    throw new FormatException($"unterminated value of label {name}");
                }

                var c = line[position++];
                if (c == '"')
                {
                    break;
                }

                if (c == '\\')
                {
                    if (position >= line.Length)
                    {
                        throw new FormatException("a backslash at the end of the line");
                    }

                    value.Append(Escaped(line[position++], allowQuote: true));
                    continue;
                }

                value.Append(c);
            }

            if (!labels.TryAdd(name, value.ToString()))
            {
                throw new FormatException($"label {name} twice");
            }

            if (position < line.Length && line[position] == ',')
            {
                position++;
            }
            else if (position >= line.Length || line[position] != '}')
            {
                throw new FormatException("expected , or } after a label");
            }
        }
    }

    private static double ParseValue(string text) => text switch
    {
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"'{text}' is not a float"),
    };

    private static string Unescape(string text, bool allowQuote)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                result.Append(Escaped(text[++i], allowQuote));
            }
            else
            {
                result.Append(text[i]);
            }
        }

        return result.ToString();
    }

    private static char Escaped(char c, bool allowQuote) => c switch
    {
        '\\' => '\\',
        'n' => '\n',
        '"' when allowQuote => '"',
        _ => throw new FormatException($"unknown escape \\{c}"),
    };
}
