using Eve.Appliance.Platform.Files;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Eve.Appliance.Agent.Identity;

/// <summary>The device identity without a TPM: P-256 keys in PKCS#8 PEM files with mode 0600,
/// written crash-safely, and the same certificates as the TPM path. Like EVE without a TPM, the
/// ECDH key is a second key (<c>ecdh.key.pem</c>) with its own cert signed by the device key.</summary>
internal sealed class SoftwareDeviceKey : IDeviceKey, IDisposable
{
    public const string KeyFileName = "device.key.pem";
    public const string CertFileName = "device.cert.pem";
    public const string EcdhKeyFileName = "ecdh.key.pem";
    public const string EcdhCertFileName = "ecdh.cert.pem";

    private readonly ECDsa _key;
    private readonly ECDiffieHellman _ecdh;

    private SoftwareDeviceKey(string keyPath, ECDsa key, ECDiffieHellman ecdh, X509Certificate2 cert, X509Certificate2 ecdhCert)
    {
        KeyPath = keyPath;
        _key = key;
        _ecdh = ecdh;
        Certificate = cert;
        EcdhCertificate = ecdhCert;
    }

    public string KeyPath { get; }
    public string Description => $"software key file {KeyPath}";
    public bool IsHardwareBacked => false;
    public X509Certificate2 Certificate { get; }
    public X509Certificate2 EcdhCertificate { get; }

    public static SoftwareDeviceKey LoadOrCreate(string folder, string serial, TimeProvider time)
    {
        Directory.CreateDirectory(folder);
        var keyPath = Path.Combine(folder, KeyFileName);
        var key = LoadOrCreateKey(keyPath, ECDsa.Create, static (k, pem) => k.ImportFromPem(pem));
        var ecdh = LoadOrCreateKey(Path.Combine(folder, EcdhKeyFileName), ECDiffieHellman.Create, static (k, pem) => k.ImportFromPem(pem));

        var signer = X509SignatureGenerator.CreateForECDsa(key);
        var certPath = Path.Combine(folder, CertFileName);
        var cert = DeviceCertificateBuilder.TryLoadPem(certPath);
        if (cert is null || !DeviceCertificateBuilder.HasPublicKey(cert, key.ExportParameters(false)))
        {
            cert = DeviceCertificateBuilder.CreateDeviceCertificate(serial, new PublicKey(key), signer, time);
            AtomicFile.WriteText(certPath, cert.ExportCertificatePem() + "\n", AtomicFile.Public);
        }
        var ecdhPath = Path.Combine(folder, EcdhCertFileName);
        var ecdhCert = DeviceCertificateBuilder.TryLoadPem(ecdhPath);
        if (ecdhCert is null || !DeviceCertificateBuilder.HasPublicKey(ecdhCert, ecdh.ExportParameters(false))
            || ecdhCert.Issuer != cert.Subject)
        {
            ecdhCert = DeviceCertificateBuilder.CreateEcdhCertificate(cert, new PublicKey(ecdh), signer, time);
            AtomicFile.WriteText(ecdhPath, ecdhCert.ExportCertificatePem() + "\n", AtomicFile.Public);
        }
        return new SoftwareDeviceKey(keyPath, key, ecdh, cert, ecdhCert);
    }

    public byte[] SignDigest(ReadOnlySpan<byte> sha256Digest) =>
        _key.SignHash(sha256Digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public byte[] DeriveSharedSecret(ECDiffieHellmanPublicKey peer) => _ecdh.DeriveRawSecretAgreement(peer);

    public Task<(byte[] X, byte[] Y)> EcdhSharedPointAsync(ECParameters peer, CancellationToken ct = default) =>
        Task.FromResult(Api.Cipher.P256SharedPoint.Derive(_ecdh, peer));

    /// <summary>Loads a PKCS#8 key, tightening a too-open mode back to 0600, or creates one.</summary>
    private static T LoadOrCreateKey<T>(string path, Func<ECCurve, T> create, Action<T, string> import)
        where T : AsymmetricAlgorithm
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("the appliance keeps its key files with Unix modes");
        if (File.Exists(path))
        {
            if ((File.GetUnixFileMode(path) & ~AtomicFile.Private) != 0)
                File.SetUnixFileMode(path, AtomicFile.Private);
            var loaded = create(ECCurve.NamedCurves.nistP256);
            try
            {
                import(loaded, File.ReadAllText(path));
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException)
            {
                loaded.Dispose();
                throw new InvalidDataException($"private key file {path} is not a PKCS#8 PEM P-256 key: {e.Message}; " +
                    "restore it from backup, or delete it and the device certificate to make a new identity", e);
            }
            return loaded;
        }
        var key = create(ECCurve.NamedCurves.nistP256);
        AtomicFile.WriteText(path, key.ExportPkcs8PrivateKeyPem() + "\n", AtomicFile.Private);
        return key;
    }

    public void Dispose()
    {
        _key.Dispose();
        _ecdh.Dispose();
    }
}
