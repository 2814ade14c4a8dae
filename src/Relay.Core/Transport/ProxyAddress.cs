namespace Relay.Core.Transport;

/// <summary>
/// A proxy as <c>--proxy</c> or HTTPS_PROXY/ALL_PROXY spell it: <c>[scheme://][user[:password]@]host[:port]</c>.
/// As in curl, no scheme means http:// and no port means 1080; the user name and password are percent-decoded.
/// </summary>
public sealed record ProxyAddress(ProxyScheme Scheme, string Host, int Port, string? UserName, string? Password)
{
    /// <summary>curl's default proxy port, whatever the scheme.</summary>
    public const int DefaultPort = 1080;

    /// <summary>Parses <paramref name="text"/>; on failure returns false with a one-line reason.</summary>
    public static bool TryParse(string text, out ProxyAddress? proxy, out string? error)
    {
        proxy = null;
        error = null;
        var withScheme = text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text;
        if (!Uri.TryCreate(withScheme, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            error = $"'{Redact(text)}' is not a proxy URL; expected http://[user:pass@]host:port or socks5[h]://[user:pass@]host:port";
            return false;
        }

        ProxyScheme scheme;
        switch (uri.Scheme)
        {
            case "http":
                scheme = ProxyScheme.Http;
                break;
            case "socks5":
                scheme = ProxyScheme.Socks5;
                break;
            case "socks5h":
                scheme = ProxyScheme.Socks5Hostname;
                break;
            default:
                error = $"proxy scheme '{uri.Scheme}' is not supported; use http://, socks5:// or socks5h://";
                return false;
        }

        if (uri.AbsolutePath is not ("/" or "") || uri.Query.Length > 0)
        {
            error = $"a proxy URL has no path: '{Redact(text)}'";
            return false;
        }

        // Uri reports the scheme's default port (80 for http) when none is written; curl's default is 1080 for all.
        var port = HasExplicitPort(withScheme, uri) ? uri.Port : DefaultPort;
        string? user = null;
        string? password = null;
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            password = colon < 0 ? string.Empty : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }

        proxy = new ProxyAddress(scheme, uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : uri.IdnHost, port, user, password);
        return true;
    }

    /// <summary>The proxy without its credentials, for messages and logs.</summary>
    public override string ToString()
    {
        var scheme = Scheme switch { ProxyScheme.Socks5 => "socks5", ProxyScheme.Socks5Hostname => "socks5h", _ => "http" };
        var host = Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;
        return $"{scheme}://{host}:{Port}";
    }

    private static bool HasExplicitPort(string text, Uri uri)
    {
        // After the authority's last ']' (an IPv6 literal) or '@', a ':' means a port was written.
        var authority = text[(text.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var slash = authority.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            authority = authority[..slash];
        }

        authority = authority[(authority.LastIndexOf('@') + 1)..];
        authority = authority[(authority.LastIndexOf(']') + 1)..];
        return authority.Contains(':', StringComparison.Ordinal) && uri.Port > 0;
    }

    /// <summary>Hides a password in echoed input.</summary>
    private static string Redact(string text)
    {
        var at = text.LastIndexOf('@');
        var start = text.IndexOf("://", StringComparison.Ordinal);
        return at < 0 ? text : text[..(start < 0 ? 0 : start + 3)] + "***@" + text[(at + 1)..];
    }
}
