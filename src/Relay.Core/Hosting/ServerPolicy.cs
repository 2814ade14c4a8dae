using Relay.Core.Handshake;

namespace Relay.Core.Hosting;

/// <summary>
/// Who may open a session and where it goes: routes from request path to target, a default route, a bearer token, an
/// Origin allow-list. The client names a path, never a target: Relay is not an open proxy. Pure, so every rule is
/// unit-testable without a socket.
/// </summary>
public sealed class ServerPolicy
{
    private readonly Dictionary<string, Target> _routes;
    private readonly HashSet<string> _origins;

    public ServerPolicy(Target? defaultTarget, IReadOnlyDictionary<string, Target>? routes = null, BearerToken? token = null, IEnumerable<string>? allowedOrigins = null)
    {
        DefaultTarget = defaultTarget;
        _routes = new Dictionary<string, Target>(routes ?? new Dictionary<string, Target>(), StringComparer.Ordinal);
        Token = token;
        _origins = new HashSet<string>((allowedOrigins ?? []).Select(NormalizeOrigin), StringComparer.OrdinalIgnoreCase);
        if (DefaultTarget is null && _routes.Count == 0)
        {
            throw new ArgumentException("a server needs a default target or at least one route");
        }
    }

    /// <summary>The websocat-style forwarder: every path goes to one target, no token, any origin.</summary>
    public static ServerPolicy Forward(Target target) => new(target);

    public Target? DefaultTarget { get; }

    public IReadOnlyDictionary<string, Target> Routes => _routes;

    public BearerToken? Token { get; }

    public IReadOnlyCollection<string> AllowedOrigins => _origins;

    /// <summary>
    /// Checks a parsed upgrade request. Order: route (404), token (401), origin (403), so that an unknown path says
    /// nothing about the token. <paramref name="route"/> is the matched path, or "*" for the default route.
    /// </summary>
    public HandshakeFailure Check(UpgradeRequest request, out Target? target, out string route)
    {
        var path = PathOf(request.Path, out var query);
        if (_routes.TryGetValue(path, out target))
        {
            route = path;
        }
        else if (path.Length > 1 && path.EndsWith('/') && _routes.TryGetValue(path.TrimEnd('/'), out target))
        {
            route = path.TrimEnd('/');
        }
        else if (DefaultTarget is not null)
        {
            target = DefaultTarget;
            route = "*";
        }
        else
        {
            target = null;
            route = "-";
            return HandshakeFailure.NoRoute;
        }

        if (Token is not null && !HasToken(request.Head, query))
        {
            return HandshakeFailure.Unauthorized;
        }

        // Browsers always send Origin; command-line clients (websocat, relay, ssh's ProxyCommand) do not, and a list
        // of web origins says nothing about them: an absent Origin is let through, a wrong one refused.
        if (_origins.Count > 0 && request.Head["Origin"] is { } origin && !_origins.Contains(NormalizeOrigin(origin)))
        {
            return HandshakeFailure.OriginNotAllowed;
        }

        return HandshakeFailure.None;
    }

    private bool HasToken(HttpHead head, ReadOnlySpan<char> query)
    {
        var matched = false;
        if (head["Authorization"] is { } authorization
            && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            matched |= Token!.Matches(authorization.AsSpan(7).Trim());
        }

        foreach (var range in query.Split('&'))
        {
            var pair = query[range];
            if (pair.StartsWith("token="))
            {
                matched |= Token!.Matches(Uri.UnescapeDataString(pair[6..].ToString()));
            }
        }

        return matched;
    }

    /// <summary>The request target's path without its query, percent-decoding left alone (routes are matched as sent).</summary>
    internal static string PathOf(string requestTarget, out ReadOnlySpan<char> query)
    {
        var mark = requestTarget.IndexOf('?', StringComparison.Ordinal);
        query = mark < 0 ? default : requestTarget.AsSpan(mark + 1);
        var path = mark < 0 ? requestTarget : requestTarget[..mark];

        // An absolute-form request target (GET ws://host/path HTTP/1.1) routes by its path.
        if (Uri.TryCreate(path, UriKind.Absolute, out var absolute) && absolute.Scheme is "ws" or "wss" or "http" or "https")
        {
            path = absolute.AbsolutePath;
        }

        return path.Length == 0 ? "/" : path;
    }

    private static string NormalizeOrigin(string origin) => origin.Trim().TrimEnd('/');
}
