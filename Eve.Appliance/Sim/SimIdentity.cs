using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Agent.Identity;

namespace Eve.Appliance.Sim;

/// <summary>
/// A simulated device's identity: its own P-256 key and self-signed device certificate (the same
/// rules as a real device's, <see cref="DeviceCertificateBuilder"/>), and its serial.
/// </summary>
internal sealed class SimIdentity : IDisposable
{
    private SimIdentity(string serial, ECDsa key, X509Certificate2 cert)
    {
        Serial = serial;
        Key = key;
        Cert = cert;
        Signer = new Agent.Identity.EcdsaCertSigner(cert, key);
    }

    public string Serial { get; }
    public ECDsa Key { get; }
    public X509Certificate2 Cert { get; }
    public Agent.Identity.EcdsaCertSigner Signer { get; }

    public static SimIdentity Create(string serial)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new SimIdentity(serial, key, DeviceCertificateBuilder.SelfSigned(key, serial));
    }

    /// <summary>Makes <paramref name="count"/> identities in parallel. With a cache folder, the
    /// ones made before are loaded (same serials, same certs, so a controller that knows them
    /// answers register with 200) and only the missing ones are made and saved.</summary>
    public static IReadOnlyList<SimIdentity> CreateMany(int count, string? cacheDir)
    {
        var prefix = cacheDir == null ? Guid.NewGuid().ToString("N")[..8] : CachePrefix(cacheDir);
        var result = new SimIdentity[count];
        Parallel.For(0, count, i =>
        {
            var serial = $"sim-{prefix}-{i:D6}";
            var file = cacheDir == null ? null : Path.Combine(cacheDir, serial + ".pem");
            if (file != null && File.Exists(file) && TryLoad(serial, file) is { } cached)
            {
                result[i] = cached;
                return;
            }
            var made = Create(serial);
            if (file != null) Save(made, file);
            result[i] = made;
        });
        return result;
    }

    private static string CachePrefix(string cacheDir)
    {
        Directory.CreateDirectory(cacheDir);
        var file = Path.Combine(cacheDir, "prefix");
        if (File.Exists(file)) return File.ReadAllText(file).Trim();
        var prefix = Guid.NewGuid().ToString("N")[..8];
        Platform.Files.AtomicFile.WriteText(file, prefix + "\n");
        return prefix;
    }

    private static SimIdentity? TryLoad(string serial, string file)
    {
        try
        {
            var pem = File.ReadAllText(file);
            var key = ECDsa.Create();
            key.ImportFromPem(pem);
            return new SimIdentity(serial, key, X509Certificate2.CreateFromPem(pem));
        }
        catch (CryptographicException)
        {
            return null; // a damaged cache entry is simply made again
        }
    }

    private static void Save(SimIdentity identity, string file) =>
        Platform.Files.AtomicFile.WriteText(file, identity.Key.ExportPkcs8PrivateKeyPem() + "\n" + identity.Cert.ExportCertificatePem() + "\n",
            UnixFileMode.UserRead | UnixFileMode.UserWrite);

    public void Dispose()
    {
        Key.Dispose();
        Cert.Dispose();
    }
}
