using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Relay.Core.Hosting;
using Relay.Core.Transport;
using Relay.Testing;

namespace Relay.Core.Tests.Transport;

/// <summary>
/// Certificates from PEM files and their rotation, seen the way a client sees them: a real TLS handshake on loopback
/// through <see cref="TlsAcceptor"/>, a client that trusts only the test CA, and the thumbprint it was shown.
/// </summary>
public sealed class PemCertificateSourceTests : IDisposable
{
    private readonly TestCertificateAuthority _authority = new();
    private readonly X509Certificate2 _root;
    private readonly CollectingLogger _logger = new();
    private readonly string _directory;

    public PemCertificateSourceTests()
    {
        _root = _authority.Certificate;
        _directory = Directory.CreateTempSubdirectory("relay-pem-").FullName;
    }

    [Fact]
    public async Task Current_FilesOverwrittenWithAnotherCertificate_NextHandshakeSeesNewThumbprint()
    {
        var first = _authority.IssueServer();
        var second = _authority.IssueServer();
        var (certificatePath, keyPath) = CopyPair(first, "server");
        using var source = new PemCertificateSource(certificatePath, keyPath, _logger);
        Assert.Equal(first.Thumbprint, await HandshakeAsync(source));

        // As cert-manager does: the same paths rewritten in place, the certificate first, then the key.
        File.Copy(second.CertificatePemPath, certificatePath, overwrite: true);
        File.Copy(second.KeyPemPath, keyPath, overwrite: true);

        Assert.Equal(second.Thumbprint, await HandshakeAsync(source));
        Assert.Equal(second.Thumbprint, source.Certificate.Thumbprint);
        Assert.Contains(_logger.Lines, l => l.Id == 102 && l.Message.Contains(second.Thumbprint, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Current_RewrittenWithSameSizeAndTimeJustAfterLoading_StillReloads()
    {
        // The case stat cannot see: an in-place rewrite within the file system's clock tick, same size. The files
        // were written moments before they were loaded, so the source confirms them by content.
        var first = _authority.IssueServer();
        var second = _authority.IssueServer();
        var (certificatePath, keyPath) = CopyPair(first, "server");
        var (secondCertificate, secondKey) = CopyPair(second, "next");
        PadToSameLength(certificatePath, secondCertificate);
        PadToSameLength(keyPath, secondKey);
        using var source = new PemCertificateSource(certificatePath, keyPath, _logger);
        Assert.Equal(first.Thumbprint, await HandshakeAsync(source));
        var stamps = (File.GetLastWriteTimeUtc(certificatePath), File.GetLastWriteTimeUtc(keyPath));

        File.WriteAllBytes(certificatePath, File.ReadAllBytes(secondCertificate));
        File.WriteAllBytes(keyPath, File.ReadAllBytes(secondKey));
        File.SetLastWriteTimeUtc(certificatePath, stamps.Item1);
        File.SetLastWriteTimeUtc(keyPath, stamps.Item2);

        Assert.Equal(second.Thumbprint, await HandshakeAsync(source));
    }

    [Fact]
    public async Task Current_FilesUnchanged_ReturnsTheSameContextWithoutReloading()
    {
        var issued = _authority.IssueServer();
        using var source = new PemCertificateSource(issued.CertificatePemPath, issued.KeyPemPath, _logger);

        var first = source.Current;
        Assert.Equal(issued.Thumbprint, await HandshakeAsync(source));
        File.SetLastWriteTimeUtc(issued.CertificatePemPath, DateTime.UtcNow.AddMinutes(-5)); // touched, same bytes

        Assert.Same(first, source.Current);
        Assert.Same(first, source.Current);
        Assert.DoesNotContain(_logger.Lines, l => l.Id is 102 or 103);
    }

    [Fact]
    public async Task Current_HalfWrittenCertificate_KeepsOldCertificateWarnsOnceThenTakesTheCompletedPair()
    {
        var first = _authority.IssueServer();
        var second = _authority.IssueServer();
        var (certificatePath, keyPath) = CopyPair(first, "server");
        using var source = new PemCertificateSource(certificatePath, keyPath, _logger);

        var pem = File.ReadAllText(second.CertificatePemPath);
        File.WriteAllText(certificatePath, pem[..(pem.Length / 2)]);

        Assert.Equal(first.Thumbprint, await HandshakeAsync(source));
        Assert.Equal(first.Thumbprint, await HandshakeAsync(source));
        var warning = Assert.Single(_logger.Lines, l => l.Level == LogLevel.Warning);
        Assert.Equal(103, warning.Id);
        Assert.Contains(certificatePath, warning.Message, StringComparison.Ordinal);

        File.WriteAllText(certificatePath, pem);
        File.Copy(second.KeyPemPath, keyPath, overwrite: true);
        Assert.Equal(second.Thumbprint, await HandshakeAsync(source));
    }

    [Fact]
    public async Task Current_CertificateFileDeleted_KeepsServingWarnsOnceAndReloadsWhenItIsBack()
    {
        var first = _authority.IssueServer();
        var second = _authority.IssueServer();
        var (certificatePath, keyPath) = CopyPair(first, "server");
        using var source = new PemCertificateSource(certificatePath, keyPath, _logger);

        File.Delete(certificatePath);

        Assert.Equal(first.Thumbprint, await HandshakeAsync(source));
        Assert.Equal(first.Thumbprint, await HandshakeAsync(source));
        var warning = Assert.Single(_logger.Lines, l => l.Level == LogLevel.Warning);
        Assert.Contains($"TLS certificate file {certificatePath} not found", warning.Message, StringComparison.Ordinal);

        File.Copy(second.KeyPemPath, keyPath, overwrite: true);
        File.Copy(second.CertificatePemPath, certificatePath);
        Assert.Equal(second.Thumbprint, await HandshakeAsync(source));
    }

    [Fact]
    public async Task Current_KeyOfAnotherPair_KeepsOldCertificateAndWarns()
    {
        var first = _authority.IssueServer();
        var other = _authority.IssueServer();
        var (certificatePath, keyPath) = CopyPair(first, "server");
        using var source = new PemCertificateSource(certificatePath, keyPath, _logger);

        File.Copy(other.KeyPemPath, keyPath, overwrite: true);

        Assert.Equal(first.Thumbprint, await HandshakeAsync(source));
        var warning = Assert.Single(_logger.Lines, l => l.Level == LogLevel.Warning);
        Assert.Contains("does not hold the private key", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Current_KubernetesSecretSymlinkSwap_NextHandshakeSeesNewThumbprint()
    {
        // A secret volume: tls.crt -> ..data/tls.crt, ..data -> ..<timestamp>/; an update writes a new timestamped
        // folder, renames a new ..data link over the old one (atomic), then deletes the old folder.
        var first = _authority.IssueServer();
        var second = _authority.IssueServer();
        var mount = Path.Combine(_directory, "secret");
        Directory.CreateDirectory(mount);
        WriteSecretVersion(mount, "..2026_12_04_21_00_00.1", first);
        File.CreateSymbolicLink(Path.Combine(mount, "..data"), "..2026_12_04_21_00_00.1");
        File.CreateSymbolicLink(Path.Combine(mount, "tls.crt"), "..data/tls.crt");
        File.CreateSymbolicLink(Path.Combine(mount, "tls.key"), "..data/tls.key");
        using var source = new PemCertificateSource(Path.Combine(mount, "tls.crt"), Path.Combine(mount, "tls.key"), _logger);
        Assert.Equal(first.Thumbprint, await HandshakeAsync(source));

        WriteSecretVersion(mount, "..2026_12_04_22_00_00.2", second);
        File.CreateSymbolicLink(Path.Combine(mount, "..data_tmp"), "..2026_12_04_22_00_00.2");
        Assert.Equal(0, Rename(Path.Combine(mount, "..data_tmp"), Path.Combine(mount, "..data")));
        Directory.Delete(Path.Combine(mount, "..2026_12_04_21_00_00.1"), recursive: true);

        Assert.Equal(second.Thumbprint, await HandshakeAsync(source));
    }

    [Fact]
    public async Task Current_IntermediateInCertificateFile_IsSentSoAClientTrustingOnlyTheRootValidates()
    {
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=Relay Chain Root", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var root = rootRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(2));

        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var intermediateRequest = new CertificateRequest("CN=Relay Chain Intermediate", intermediateKey, HashAlgorithmName.SHA256);
        intermediateRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        intermediateRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var intermediatePublic = intermediateRequest.Create(root, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(2), [1, 2, 3]);
        using var intermediate = intermediatePublic.CopyWithPrivateKey(intermediateKey);

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=localhost", leafKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        leafRequest.CertificateExtensions.Add(names.Build());
        using var leaf = leafRequest.Create(intermediate, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1), [4, 5, 6]);

        var certificatePath = Path.Combine(_directory, "chain.crt");
        var keyPath = Path.Combine(_directory, "chain.key");
        File.WriteAllText(certificatePath, leaf.ExportCertificatePem() + "\n" + intermediate.ExportCertificatePem() + "\n");
        File.WriteAllText(keyPath, leafKey.ExportPkcs8PrivateKeyPem());
        using var source = new PemCertificateSource(certificatePath, keyPath, _logger);

        Assert.Single(source.Current.IntermediateCertificates);
        using var rootPublic = X509CertificateLoader.LoadCertificate(root.RawData);
        Assert.Equal(leaf.Thumbprint, await HandshakeAsync(source, rootPublic));
    }

    [Fact]
    public void Constructor_MissingCertificateFile_ThrowsNamingThePath()
    {
        var issued = _authority.IssueServer();
        var missing = Path.Combine(_directory, "nope.crt");

        var ex = Assert.Throws<CertificateLoadException>(() => new PemCertificateSource(missing, issued.KeyPemPath, _logger));

        Assert.Equal($"TLS certificate file {missing} not found", ex.Message);
    }

    [Fact]
    public void Constructor_CertificateFileNotPem_ThrowsSayingSo()
    {
        var issued = _authority.IssueServer();
        var garbage = Path.Combine(_directory, "garbage.crt");
        File.WriteAllText(garbage, "this is not a certificate\n");

        var ex = Assert.Throws<CertificateLoadException>(() => new PemCertificateSource(garbage, issued.KeyPemPath, _logger));

        Assert.Contains($"{garbage} holds no PEM certificate", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_KeyFileHoldsACertificate_ThrowsSayingNoKey()
    {
        var issued = _authority.IssueServer();

        var ex = Assert.Throws<CertificateLoadException>(() => new PemCertificateSource(issued.CertificatePemPath, issued.CertificatePemPath, _logger));

        Assert.Equal($"TLS key file {issued.CertificatePemPath} holds no PEM private key (PKCS#8, RSA or EC)", ex.Message);
    }

    [Fact]
    public void Constructor_KeyOfAnotherPair_ThrowsNamingBothFiles()
    {
        var issued = _authority.IssueServer();
        var other = _authority.IssueServer();

        var ex = Assert.Throws<CertificateLoadException>(() => new PemCertificateSource(issued.CertificatePemPath, other.KeyPemPath, _logger));

        Assert.StartsWith($"TLS key file {other.KeyPemPath} does not hold the private key of {issued.CertificatePemPath}", ex.Message, StringComparison.Ordinal);
    }

    private (string CertificatePath, string KeyPath) CopyPair(IssuedCertificate issued, string name)
    {
        var certificatePath = Path.Combine(_directory, name + ".crt");
        var keyPath = Path.Combine(_directory, name + ".key");
        File.Copy(issued.CertificatePemPath, certificatePath);
        File.Copy(issued.KeyPemPath, keyPath);
        return (certificatePath, keyPath);
    }

    /// <summary>rename(2): replaces the ..data link atomically, as kubelet does (File.Move refuses a link to a folder).</summary>
    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename([MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);

    /// <summary>Pads the shorter PEM file with trailing newlines (which PEM readers skip) to the longer one's length.</summary>
    private static void PadToSameLength(string one, string other)
    {
        var difference = new FileInfo(one).Length - new FileInfo(other).Length;
        File.AppendAllText(difference < 0 ? one : other, new string('\n', (int)Math.Abs(difference)));
        Assert.Equal(new FileInfo(one).Length, new FileInfo(other).Length);
    }

    private static void WriteSecretVersion(string mount, string version, IssuedCertificate issued)
    {
        var folder = Path.Combine(mount, version);
        Directory.CreateDirectory(folder);
        File.Copy(issued.CertificatePemPath, Path.Combine(folder, "tls.crt"));
        File.Copy(issued.KeyPemPath, Path.Combine(folder, "tls.key"));
    }

    private Task<string> HandshakeAsync(PemCertificateSource source) => HandshakeAsync(source, _root);

    /// <summary>One TLS connection through <see cref="TlsAcceptor"/>; the thumbprint of the certificate the client validated.</summary>
    internal static async Task<string> HandshakeAsync(PemCertificateSource source, X509Certificate2 trustedRoot)
    {
        var timeout = Loopback.Timeout(10);
        using var listener = ListenSockets.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!, timeout);
        var accepted = await listener.AcceptAsync(timeout);
        var server = TlsAcceptor.AuthenticateAsync(accepted, source, timeout);

        await using var ssl = new SslStream(new NetworkStream(client, ownsSocket: false));
        await ssl.AuthenticateAsClientAsync(TrustingOnly(trustedRoot), timeout);
        await using var endpoint = await server;
        return ssl.RemoteCertificate!.GetCertHashString();
    }

    internal static SslClientAuthenticationOptions TrustingOnly(X509Certificate2 root) => new()
    {
        TargetHost = "localhost",
        ApplicationProtocols = [SslApplicationProtocol.Http11, SslApplicationProtocol.Http2],
        EnabledSslProtocols = SslProtocols.None,
        CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            CustomTrustStore = { root },
            RevocationMode = X509RevocationMode.NoCheck,
        },
    };

    public void Dispose()
    {
        _root.Dispose();
        _authority.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Keeps every line logged, with its level and event id.</summary>
    internal sealed class CollectingLogger : ILogger
    {
        private readonly List<(LogLevel Level, int Id, string Message)> _lines = [];

        public IReadOnlyList<(LogLevel Level, int Id, string Message)> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines)
            {
                _lines.Add((logLevel, eventId.Id, formatter(state, exception)));
            }
        }
    }
}
