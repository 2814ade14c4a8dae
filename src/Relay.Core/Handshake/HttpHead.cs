using System.Text;

namespace Relay.Core.Handshake;

/// <summary>
/// The start line and header fields of an HTTP/1.1 request or response, parsed once per connection during the
/// upgrade. Allocation here is per connection, never per message.
/// </summary>
public sealed class HttpHead
{
    private readonly List<KeyValuePair<string, string>> _headers = [];

    /// <summary>The three parts of the start line: method, target, version (request) or version, status, reason (response).</summary>
    public string Part1 { get; private set; } = string.Empty;
    public string Part2 { get; private set; } = string.Empty;
    public string Part3 { get; private set; } = string.Empty;

    public IReadOnlyList<KeyValuePair<string, string>> Headers => _headers;

    /// <summary>The first value of a header (names compare case-insensitively), or null.</summary>
    public string? this[string name]
    {
        get
        {
            foreach (var (key, value) in _headers)
            {
                if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
                {
                    return value;
                }
            }

            return null;
        }
    }

    /// <summary>Whether a comma-separated header contains <paramref name="token"/> (case-insensitive), e.g. Connection: keep-alive, Upgrade.</summary>
    public bool HasToken(string name, string token)
    {
        foreach (var (key, value) in _headers)
        {
            if (!string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var part in value.Split(','))
            {
                if (string.Equals(part.Trim(), token, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Finds the end of the head (the blank line) in <paramref name="buffer"/>: the index just past CRLFCRLF, or -1.</summary>
    public static int FindEnd(ReadOnlySpan<byte> buffer)
    {
        var index = buffer.IndexOf("\r\n\r\n"u8);
        return index < 0 ? -1 : index + 4;
    }

    /// <summary>
    /// Parses a complete head (through the blank line). Returns null when it is malformed: a start line without
    /// three parts, a header line without a colon, a name with spaces, or a non-ASCII byte.
    /// </summary>
    public static HttpHead? TryParse(ReadOnlySpan<byte> head)
    {
        if (!Ascii.IsValid(head))
        {
            return null;
        }

        var text = Encoding.ASCII.GetString(head);
        var lines = text.Split("\r\n");
        var result = new HttpHead();
        var start = lines[0].Split(' ', 3);
        if (start.Length < 3 || start[0].Length == 0 || start[1].Length == 0)
        {
            // A response's reason phrase may be empty ("HTTP/1.1 101 "), a request's parts may not.
            if (!(start.Length == 2 && start[0].StartsWith("HTTP/", StringComparison.Ordinal)))
            {
                return null;
            }
        }

        result.Part1 = start[0];
        result.Part2 = start[1];
        result.Part3 = start.Length > 2 ? start[2] : string.Empty;
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0)
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || line.AsSpan(0, colon).ContainsAny(' ', '\t'))
            {
                return null;
            }

            result._headers.Add(new(line[..colon], line[(colon + 1)..].Trim()));
        }

        return result;
    }
}
