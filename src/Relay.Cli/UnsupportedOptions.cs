namespace Relay.Cli;

/// <summary>
/// websocat options Relay does not implement. Each is refused by name (exit 2) rather than ignored, so a migrated
/// command line never silently means something else.
/// </summary>
internal static class UnsupportedOptions
{
    private static readonly HashSet<string> s_names = new(StringComparer.Ordinal)
    {
        "-s", "--server-mode", "-u", "--unidirectional", "-U", "--unidirectional-reverse", "-n", "--no-close",
        "--oneshot", "-1", "--jsonrpc", "--base64", "--base64-text", "--binary-prefix", "--text-prefix",
        "-0", "--null-terminated", "--linemode-strip-newlines", "--no-line", "--strict", "--udp-oneshot",
        "--udp-broadcast", "--udp-multicast", "--udp-ttl", "--max-messages", "--max-messages-rev", "--conncap",
        "--basic-auth", "--client-pkcs12-der", "--client-pkcs12-passwd", "--pkcs12-der", "--pkcs12-passwd",
        "--restrict-uri", "--server-protocol", "--server-header", "-e", "--set-environment", "-F", "--static-file",
        "--ws-c-uri", "--socks5-destination", "--socks5-bind-script",
        "--tls-domain", "--header-to-env", "--exec-args", "--close-status-code", "--close-reason",
        "--async-stdio", "--no-async-stdio", "--dump-spec", "--autoreconnect-delay-millis", "--ua", "--user-agent",
        "--queue-len", "--print-ping-rtts", "--just-generate-key", "--just-generate-accept", "--accept-from-fd",
        "-S", "--no-exit-on-zeromsg", "--no-fixups", "--crlf", "--lengthprefixed-little-endian",
        "--lengthprefixed-nbytes", "--lengthprefixed-skip-read-direction", "--reuser-send-zero-msg-on-disconnect",
        "--request-uri", "--request-method", "--request-header", "--inhibit-pongs", "--max-sent-pings",
        "--ws-frame-size", "--max-ws-frame-length", "--max-ws-message-length", "--no-auto-linemode",
        "--foreachmsg-wait-read", "--preamble", "--preamble-reverse", "--compress-deflate", "--uncompress-deflate",
        "--compress-zlib", "--uncompress-zlib", "--compress-gzip", "--uncompress-gzip", "--stdout-announce-listening-ports",
        "--exec-exit-on-disconnect", "--exec-sighup-on-stdin-close", "--exec-sighup-on-zero-msg", "--long-help",
    };

    /// <summary>
    /// The first unsupported websocat option in <paramref name="args"/> (matching "--name" and "--name=value"), or
    /// null. A token that is the value of one of Relay's own options (<paramref name="takesValue"/>) is skipped, so
    /// <c>-B -1</c> is reported as a bad buffer size, not as the websocat option "-1".
    /// </summary>
    public static string? FindFirst(IReadOnlyList<string> args, Func<string, bool> takesValue)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                return null;
            }

            var name = arg.Split('=', 2)[0];
            if (s_names.Contains(name))
            {
                return name;
            }

            if (takesValue(arg))
            {
                i++;
            }
        }

        return null;
    }
}
