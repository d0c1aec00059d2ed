using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Platform.Files;

namespace Eve.Appliance.Controller.Pki;

/// <summary>
/// Makes the controller's PKI (`pki init`): a P-256 root CA, the TLS server cert, the signing cert
/// that signs every AuthContainer, the ECDH cert for object encryption, and an onboarding cert+key
/// for devices; then writes a device bootstrap folder in EVE's /config layout.
/// </summary>
internal static class PkiInitializer
{
    private const UnixFileMode KeyMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void Init(string dataDir, string serverName, bool overwrite = false)
    {
        var files = PkiFiles.In(dataDir);
        if (files.Exists && !overwrite)
            throw new InvalidOperationException($"PKI already exists in {files.Dir}; refusing to replace it (devices trust it). Pass --force to make a new one.");
        Directory.CreateDirectory(files.Dir);
        var now = DateTimeOffset.UtcNow.AddDays(-1); // backdated against devices with a slow clock

        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootReq = new CertificateRequest($"CN=Eve.Appliance root CA {serverName}, O=Eve.Appliance", rootKey, HashAlgorithmName.SHA256);
        rootReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 1, true));
        rootReq.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        rootReq.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootReq.PublicKey, false));
        using var root = rootReq.CreateSelfSigned(now, now.AddYears(30));
        Save(files.RootCert, files.RootKey, root, rootKey);

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverReq = Leaf($"CN={serverName}", serverKey, X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(serverName);
        if (serverName != "localhost") san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        if (IPAddress.TryParse(serverName, out var ip) && !ip.Equals(IPAddress.Loopback)) san.AddIpAddress(ip);
        serverReq.CertificateExtensions.Add(san.Build());
        serverReq.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using (var server = IssueBy(root, rootKey, serverReq, now, 20)) Save(files.ServerCert, files.ServerKey, server, serverKey);

        using var signingKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signingReq = Leaf($"CN=Eve.Appliance controller signing {serverName}", signingKey, X509KeyUsageFlags.DigitalSignature);
        using (var signing = IssueBy(root, rootKey, signingReq, now, 20)) Save(files.SigningCert, files.SigningKey, signing, signingKey);

        using var ecdhKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var ecdhReq = Leaf($"CN=Eve.Appliance controller ECDH {serverName}", ecdhKey, X509KeyUsageFlags.KeyAgreement);
        using (var ecdh = IssueBy(root, rootKey, ecdhReq, now, 20)) Save(files.EcdhCert, files.EcdhKey, ecdh, ecdhKey);

        // The onboarding cert is a shared credential burnt into installer media; it is self-signed,
        // and the controller trusts it by listing it (with serials) in its onboarding table.
        using var onboardKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var onboardReq = Leaf("CN=onboard, O=Eve.Appliance", onboardKey, X509KeyUsageFlags.DigitalSignature);
        using (var onboard = onboardReq.CreateSelfSigned(now, now.AddYears(20))) Save(files.OnboardCert, files.OnboardKey, onboard, onboardKey);

        AtomicFile.WriteText(files.ServerNameFile, serverName + "\n");
    }

    /// <summary>Writes EVE's /config bootstrap layout for devices of this controller.</summary>
    public static void WriteBootstrap(string dataDir, string destDir, string serverAddress)
    {
        var files = PkiFiles.In(dataDir);
        Directory.CreateDirectory(destDir);
        AtomicFile.WriteText(Path.Combine(destDir, "server"), serverAddress + "\n");
        var root = File.ReadAllBytes(files.RootCert);
        AtomicFile.Write(Path.Combine(destDir, "root-certificate.pem"), root);
        AtomicFile.Write(Path.Combine(destDir, "v2tlsbaseroot-certificates.pem"), root);
        AtomicFile.Write(Path.Combine(destDir, "onboard.cert.pem"), File.ReadAllBytes(files.OnboardCert));
        AtomicFile.Write(Path.Combine(destDir, "onboard.key.pem"), File.ReadAllBytes(files.OnboardKey), KeyMode);
    }

    private static CertificateRequest Leaf(string subject, ECDsa key, X509KeyUsageFlags usage)
    {
        var req = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        return req;
    }

    private static X509Certificate2 IssueBy(X509Certificate2 issuer, ECDsa issuerKey, CertificateRequest req, DateTimeOffset notBefore, int years)
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        req.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        return req.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey), notBefore, notBefore.AddYears(years), serial);
    }

    private static void Save(string certPath, string keyPath, X509Certificate2 cert, ECDsa key)
    {
        AtomicFile.Write(keyPath, System.Text.Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()), KeyMode);
        AtomicFile.WriteText(certPath, cert.ExportCertificatePem() + "\n");
    }
}
