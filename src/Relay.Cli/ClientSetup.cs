using Relay.Core.Hosting;
using Relay.Core.Transport;

namespace Relay.Cli;

/// <summary>The client's TLS files and proxy, from options and the environment, into <see cref="ClientOptions"/>;
/// a file that cannot be read or a proxy that cannot be parsed is a usage error.</summary>
internal static class ClientSetup
{
    public static bool TryApply(
        Uri target,
        string? caCert,
        string? clientCert,
        string? clientKey,
        string? proxyOption,
        string? noProxyOption,
        IReadOnlyDictionary<string, string?> environment,
        ref ClientOptions client,
        out string? error)
    {
        error = null;
        if (clientKey is not null && clientCert is null)
        {
            error = "--client-key needs --client-cert";
            return false;
        }

        try
        {
            if (caCert is not null)
            {
                client = client with { TrustedCertificates = TlsClientFiles.LoadCertificates(caCert) };
            }
        }
        catch (InvalidDataException ex)
        {
            error = $"--ca-cert: {ex.Message}";
            return false;
        }

        try
        {
            if (clientCert is not null)
            {
                client = client with { ClientCertificate = TlsClientFiles.LoadClientCertificate(clientCert, clientKey ?? clientCert) };
            }
        }
        catch (InvalidDataException ex)
        {
            error = $"--client-cert: {ex.Message}";
            return false;
        }

        var proxyText = ProxyEnvironment.Resolve(target, proxyOption, noProxyOption, environment);
        if (proxyText is null)
        {
            return true;
        }

        if (!ProxyAddress.TryParse(proxyText, out var proxy, out var proxyError))
        {
            error = $"{(proxyOption is null ? "proxy from the environment" : "--proxy")}: {proxyError}";
            return false;
        }

        client = client with { Proxy = proxy };
        return true;
    }
}
