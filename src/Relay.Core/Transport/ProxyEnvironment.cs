using System.Globalization;
using System.Net;

namespace Relay.Core.Transport;

/// <summary>
/// Which proxy, if any, the client uses for a target, decided as curl decides it; a pure function of the options and
/// the environment variables so it can be tested without touching the process environment.
/// </summary>
public static class ProxyEnvironment
{
    /// <summary>
    /// The proxy text for <paramref name="target"/>, or null for a direct connection.
    /// <list type="number">
    /// <item>The no-proxy list is <paramref name="noProxyOption"/> (--noproxy) if given, else no_proxy, else
    /// NO_PROXY; a target it matches goes direct, even with --proxy (curl applies it to -x too).</item>
    /// <item>Else <paramref name="proxyOption"/> (--proxy) if given; the empty string means no proxy.</item>
    /// <item>Else, for wss://: wss_proxy, WSS_PROXY, https_proxy, HTTPS_PROXY; for ws://: ws_proxy, WS_PROXY,
    /// http_proxy. curl never reads upper-case HTTP_PROXY, because a CGI program gets the client's "Proxy:" request
    /// header as HTTP_PROXY ("httpoxy"); Relay does what curl does. Then all_proxy, ALL_PROXY.</item>
    /// </list>
    /// The first variable that is set decides, even when it is empty (which means no proxy), as in curl.
    /// </summary>
    public static string? Resolve(Uri target, string? proxyOption, string? noProxyOption, IReadOnlyDictionary<string, string?> environment)
    {
        var noProxy = noProxyOption ?? Get(environment, "no_proxy") ?? Get(environment, "NO_PROXY");
        var port = target.IsDefaultPort || target.Port < 0 ? (target.Scheme == "wss" ? 443 : 80) : target.Port;
        if (IsBypassed(target.IdnHost, port, noProxy))
        {
            return null;
        }

        var proxy = proxyOption ?? FirstSet(environment, target.Scheme == "wss"
            ? ["wss_proxy", "WSS_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
            : ["ws_proxy", "WS_PROXY", "http_proxy", "all_proxy", "ALL_PROXY"]);
        return string.IsNullOrWhiteSpace(proxy) ? null : proxy.Trim();
    }

    /// <summary>
    /// Whether <paramref name="host"/>:<paramref name="port"/> matches a no-proxy list: entries separated by commas
    /// (or spaces); <c>*</c> alone matches every host; <c>example.com</c> and <c>.example.com</c> match that domain
    /// and every name under it; an IP address matches itself, a CIDR block (<c>10.0.0.0/8</c>) its addresses;
    /// <c>host:port</c> (<c>[v6]:port</c>) matches only that port. Names compare case-insensitively.
    /// </summary>
    public static bool IsBypassed(string host, int port, string? noProxy)
    {
        if (string.IsNullOrWhiteSpace(noProxy))
        {
            return false;
        }

        host = host.Trim('[', ']').TrimEnd('.');
        var hostAddress = IPAddress.TryParse(host, out var parsed) ? parsed : null;
        foreach (var raw in noProxy.Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (raw == "*")
            {
                return true;
            }

            var (pattern, patternPort) = SplitPort(raw);
            if (patternPort is { } only && only != port)
            {
                continue;
            }

            if (hostAddress is not null)
            {
                if (IPAddress.TryParse(pattern, out var address) && address.Equals(hostAddress))
                {
                    return true;
                }

                if (pattern.Contains('/', StringComparison.Ordinal) && IPNetwork.TryParse(pattern, out var network) && network.Contains(hostAddress))
                {
                    return true;
                }

                continue;
            }

            var domain = pattern.TrimStart('.').TrimEnd('.');
            if (domain.Length > 0
                && (host.Equals(domain, StringComparison.OrdinalIgnoreCase)
                    || host.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }

    private static (string Pattern, int? Port) SplitPort(string entry)
    {
        if (entry.StartsWith('['))
        {
            var close = entry.IndexOf(']', StringComparison.Ordinal);
            if (close > 0)
            {
                var inside = entry[1..close];
                return close + 1 < entry.Length && entry[close + 1] == ':' && TryPort(entry[(close + 2)..], out var p) ? (inside, p) : (inside, null);
            }
        }

        // One colon is host:port; more than one is a bare IPv6 address (or a CIDR block).
        var colon = entry.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && colon == entry.LastIndexOf(':') && TryPort(entry[(colon + 1)..], out var port))
        {
            return (entry[..colon], port);
        }

        return (entry, null);
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535;

    private static string? FirstSet(IReadOnlyDictionary<string, string?> environment, string[] names)
    {
        foreach (var name in names)
        {
            if (Get(environment, name) is { } value)
            {
                return value;
            }
        }

        return null;
    }

    private static string? Get(IReadOnlyDictionary<string, string?> environment, string name) =>
        environment.TryGetValue(name, out var value) ? value : null;
}
