using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Eve.Appliance.Agent.Bootstrap;

/// <summary>
/// EVE's /config folder, read once at start: where the controller is, whom to trust, and the
/// onboarding credential. Every missing piece is reported by file name.
/// </summary>
internal sealed class BootstrapFolder
{
    private BootstrapFolder(string dir, Uri server, X509Certificate2Collection roots, X509Certificate2Collection tlsRoots,
        X509Certificate2? onboardCert, string? onboardCertPem, ECDsa? onboardKey)
    {
        Dir = dir;
        Server = server;
        Roots = roots;
        TlsRoots = tlsRoots;
        OnboardCert = onboardCert;
        OnboardCertPem = onboardCertPem;
        OnboardKey = onboardKey;
    }

    public string Dir { get; }
    public Uri Server { get; }

    /// <summary>root-certificate.pem: the controller's signing and ECDH certs chain to these.</summary>
    public X509Certificate2Collection Roots { get; }

    /// <summary>v2tlsbaseroot-certificates.pem (+ the roots): trusted for the controller's TLS cert.</summary>
    public X509Certificate2Collection TlsRoots { get; }

    public X509Certificate2? OnboardCert { get; }
    public string? OnboardCertPem { get; }
    public ECDsa? OnboardKey { get; }

    public static BootstrapFolder Load(string dir, Uri? serverOverride)
    {
        if (!Directory.Exists(dir)) throw new FileNotFoundException($"config folder {dir} does not exist (EVE's /config: server, root-certificate.pem, onboard.cert.pem, onboard.key.pem)");
        var server = serverOverride ?? ReadServer(dir);
        var rootFile = Path.Combine(dir, "root-certificate.pem");
        if (!File.Exists(rootFile)) throw new FileNotFoundException($"{rootFile} is missing: without it the controller cannot be trusted");
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(rootFile);
        var tlsRoots = new X509Certificate2Collection(roots);
        var tlsFile = Path.Combine(dir, "v2tlsbaseroot-certificates.pem");
        if (File.Exists(tlsFile)) tlsRoots.ImportFromPemFile(tlsFile);

        X509Certificate2? onboardCert = null;
        string? onboardPem = null;
        ECDsa? onboardKey = null;
        var certFile = Path.Combine(dir, "onboard.cert.pem");
        var keyFile = Path.Combine(dir, "onboard.key.pem");
        if (File.Exists(certFile) && File.Exists(keyFile))
        {
            onboardPem = File.ReadAllText(certFile);
            onboardCert = X509Certificate2.CreateFromPem(onboardPem);
            onboardKey = ECDsa.Create();
            onboardKey.ImportFromPem(File.ReadAllText(keyFile));
        }
        return new BootstrapFolder(dir, server, roots, tlsRoots, onboardCert, onboardPem, onboardKey);
    }

    private static Uri ReadServer(string dir)
    {
        var file = Path.Combine(dir, "server");
        if (!File.Exists(file)) throw new FileNotFoundException($"{file} is missing: it names the controller (host or host:port)");
        var text = File.ReadAllText(file).Trim();
        if (text.Length == 0) throw new InvalidDataException($"{file} is empty: it must name the controller (host or host:port)");
        return new Uri(text.Contains("://", StringComparison.Ordinal) ? text : "https://" + text);
    }
}
