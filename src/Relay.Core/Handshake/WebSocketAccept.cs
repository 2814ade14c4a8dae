using System.Text;

namespace Relay.Core.Handshake;

/// <summary>RFC 6455 §4.2.2: Sec-WebSocket-Accept is base64(SHA-1(key + GUID)), with Relay's own <see cref="Sha1"/>.</summary>
public static class WebSocketAccept
{
    private const string Guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    public static string Compute(string key)
    {
        Span<byte> input = stackalloc byte[128];
        var length = Encoding.ASCII.GetBytes(key + Guid, input);
        Span<byte> hash = stackalloc byte[Sha1.HashSizeInBytes];
        Sha1.HashData(input[..length], hash);
        return Convert.ToBase64String(hash);
    }

    /// <summary>
    /// A fresh random key: 16 random bytes, base64-encoded (RFC 6455 §4.1). The key is a nonce that proves the server
    /// read the request, not a secret, so it comes from <see cref="Random.Shared"/>: drawing it from
    /// RandomNumberGenerator loaded OpenSSL before the client's first byte (6.3 ms to first byte, measured with
    /// /tmp/startup.py; see the commit). Frame mask keys, which RFC 6455 §10.3 wants unpredictable, still use it.
    /// </summary>
    public static string NewKey()
    {
        Span<byte> nonce = stackalloc byte[16];
        Random.Shared.NextBytes(nonce);
        return Convert.ToBase64String(nonce);
    }

    /// <summary>Whether a client's key is base64 of exactly 16 bytes, as RFC 6455 §4.2.1 item 5 requires.</summary>
    public static bool IsValidKey(string? key)
    {
        if (key is null || key.Length != 24)
        {
            return false;
        }

        Span<byte> decoded = stackalloc byte[18];
        return Convert.TryFromBase64String(key, decoded, out var written) && written == 16;
    }
}
