using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Platform.Files;

namespace Eve.Appliance.Agent.Identity;

/// <summary>
/// The device key as a PKCS#8 file (mode 0600) for boxes without a TPM, and its self-signed cert:
/// P-256, 20 years, backdated a day so a device with a slow clock still accepts it.
/// </summary>
internal sealed class SoftwareDeviceKey : IDeviceKey, IDisposable
{
    private readonly ECDsa _key;

    private SoftwareDeviceKey(ECDsa key, X509Certificate2 cert, string keyPath)
    {
        _key = key;
        Certificate = cert;
        Description = $"software key file {keyPath}";
    }

    public string Description { get; }
    public bool IsHardwareBacked => false;
    public X509Certificate2 Certificate { get; }

    public byte[] SignDigest(ReadOnlySpan<byte> sha256Digest) =>
        _key.SignHash(sha256Digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public byte[] DeriveSharedSecret(ECDiffieHellmanPublicKey peer)
    {
        using var ecdh = ECDiffieHellman.Create(_key.ExportParameters(true));
        return ecdh.DeriveRawSecretAgreement(peer);
    }

    /// <summary>Loads device.key.pem + device.cert.pem from <paramref name="dir"/>, or makes them.</summary>
    public static SoftwareDeviceKey LoadOrCreate(string dir, string commonName)
    {
        var keyPath = Path.Combine(dir, "device.key.pem");
        var certPath = Path.Combine(dir, "device.cert.pem");
        if (File.Exists(keyPath) && File.Exists(certPath))
        {
            var key = ECDsa.Create();
            key.ImportFromPem(File.ReadAllText(keyPath));
            var cert = X509Certificate2.CreateFromPem(File.ReadAllText(certPath));
            using var certKey = cert.GetECDsaPublicKey();
            if (certKey == null || !certKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
                throw new InvalidDataException($"{certPath} does not match {keyPath}: the device identity is damaged; restore both files or remove both to re-onboard as a new device");
            return new SoftwareDeviceKey(key, cert, keyPath);
        }
        var created = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var newCert = SelfSign(created, commonName);
        // Key first: a crash between the two writes leaves a key without a cert, which is remade
        // above only when both exist — so the next start makes a fresh pair rather than a mismatch.
        AtomicFile.Write(keyPath, System.Text.Encoding.ASCII.GetBytes(created.ExportPkcs8PrivateKeyPem()), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        AtomicFile.WriteText(certPath, newCert.ExportCertificatePem() + "\n");
        return new SoftwareDeviceKey(created, newCert, keyPath);
    }

    internal static X509Certificate2 SelfSign(ECDsa key, string commonName)
    {
        var req = new CertificateRequest($"CN={commonName}, O=Eve.Appliance device", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        using var cert = req.CreateSelfSigned(notBefore, notBefore.AddYears(20));
        return X509CertificateLoader.LoadCertificate(cert.RawData);
    }

    public void Dispose()
    {
        _key.Dispose();
        Certificate.Dispose();
    }
}
