using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Eve.Appliance.Agent.Identity;

/// <summary>The rules for the device's self-signed certificate and its ECDH certificate, shared by
/// software and TPM keys: P-256, SHA-256, 20 years, NotBefore backdated a day so a device whose
/// clock lags (no RTC battery, before NTP) still accepts its own cert, CN = device serial.</summary>
internal static class DeviceCertificateBuilder
{
    public const int ValidityYears = 20;
    private static readonly TimeSpan Backdate = TimeSpan.FromDays(1);

    /// <summary>The device certificate: self-signed, digital signature, client auth (v1 mTLS).</summary>
    public static X509Certificate2 CreateDeviceCertificate(string serial, PublicKey publicKey,
        X509SignatureGenerator signer, TimeProvider time)
    {
        var subject = Subject(serial);
        var req = new CertificateRequest(subject, publicKey, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.2", "Client Authentication")], false));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(publicKey, false));
        var (notBefore, notAfter) = Validity(time);
        return req.Create(subject, signer, notBefore, notAfter, NewSerialNumber());
    }

    /// <summary>The ECDH certificate (EVE's DEVICE_ECDH_EXCHANGE): the ECDH public key, key agreement
    /// only, issued and signed by the device certificate's key so the controller can tie it to the device.</summary>
    public static X509Certificate2 CreateEcdhCertificate(X509Certificate2 deviceCert, PublicKey ecdhPublicKey,
        X509SignatureGenerator deviceSigner, TimeProvider time)
    {
        var req = new CertificateRequest(deviceCert.SubjectName, ecdhPublicKey, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyAgreement, true));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(ecdhPublicKey, false));
        var (notBefore, notAfter) = Validity(time);
        return req.Create(deviceCert.SubjectName, deviceSigner, notBefore, notAfter, NewSerialNumber());
    }

    /// <summary>A device certificate signed by an ECDSA key in memory (tests, simulated devices).</summary>
    public static X509Certificate2 SelfSigned(ECDsa key, string serial) =>
        CreateDeviceCertificate(serial, new PublicKey(key), X509SignatureGenerator.CreateForECDsa(key), TimeProvider.System);

    /// <summary>True when the certificate carries exactly this EC public key.</summary>
    public static bool HasPublicKey(X509Certificate2 cert, ECParameters key)
    {
        // ECDSA and ECDH keys share the id-ecPublicKey SPKI, so this reads either kind.
        using var pub = cert.PublicKey.GetECDsaPublicKey();
        if (pub is null) return false;
        var q = pub.ExportParameters(false).Q;
        return q.X.AsSpan().SequenceEqual(key.Q.X) && q.Y.AsSpan().SequenceEqual(key.Q.Y);
    }

    public static X509Certificate2? TryLoadPem(string path) =>
        File.Exists(path) ? X509Certificate2.CreateFromPem(File.ReadAllText(path)) : null;

    private static X500DistinguishedName Subject(string serial)
    {
        if (string.IsNullOrWhiteSpace(serial))
            throw new ArgumentException("the device serial (certificate CN) must not be empty", nameof(serial));
        var b = new X500DistinguishedNameBuilder();
        b.AddCommonName(serial.Trim());
        return b.Build();
    }

    private static (DateTimeOffset, DateTimeOffset) Validity(TimeProvider time)
    {
        var now = time.GetUtcNow();
        // X.509 times have whole seconds; truncate so the stored cert round-trips exactly.
        var notBefore = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero) - Backdate;
        return (notBefore, notBefore.AddYears(ValidityYears));
    }

    private static byte[] NewSerialNumber()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x40); // positive and full length
        return serial;
    }
}
