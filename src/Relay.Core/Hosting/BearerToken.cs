using System.Security.Cryptography;
using System.Text;

namespace Relay.Core.Hosting;

/// <summary>
/// The shared secret a client must present, as `Authorization: Bearer TOKEN` or `?token=TOKEN`. Only its SHA-256 is
/// kept, and a candidate is hashed and compared with <see cref="CryptographicOperations.FixedTimeEquals"/>: the time a
/// check takes says nothing about the token, not even its length. <see cref="ToString"/> never shows it.
/// </summary>
public sealed class BearerToken
{
    private readonly byte[] _hash;

    public BearerToken(string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        _hash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    /// <summary>Reads a token file: its content without surrounding whitespace (a trailing newline is usual).</summary>
    public static BearerToken FromFile(string path)
    {
        var text = File.ReadAllText(path).Trim();
        if (text.Length == 0)
        {
            throw new InvalidDataException($"token file {path} is empty");
        }

        return new BearerToken(text);
    }

    /// <summary>Whether <paramref name="candidate"/> is the token, in time independent of both.</summary>
    public bool Matches(ReadOnlySpan<char> candidate)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(candidate.ToString()), hash);
        return CryptographicOperations.FixedTimeEquals(hash, _hash);
    }

    public override string ToString() => "(token)";
}
