using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Agent.Identity;

namespace Eve.Appliance.Tests.Agent.Identity;

[TestFixture]
[Parallelizable(ParallelScope.Self)]
[SupportedOSPlatform("linux")]
public sealed class SoftwareDeviceKeyTests
{
    private string _folder = null!;
    private readonly TimeProvider _time = new FixedTimeProvider(DeviceCertificateAssertions.Now);

    [SetUp]
    public void Folder() => _folder = Path.Combine(Path.GetTempPath(), "eve-swkey-" + Guid.NewGuid().ToString("N")[..12]);

    [TearDown]
    public void Cleanup()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, true);
    }

    [Test]
    public void Create_WritesKeyFilesWithMode0600_AndNoTempFiles()
    {
        using var key = SoftwareDeviceKey.LoadOrCreate(_folder, "sw-1", _time);

        var owner = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.That(File.GetUnixFileMode(Path.Combine(_folder, "device.key.pem")), Is.EqualTo(owner));
        Assert.That(File.GetUnixFileMode(Path.Combine(_folder, "ecdh.key.pem")), Is.EqualTo(owner));
        Assert.That(File.ReadAllText(Path.Combine(_folder, "device.key.pem")), Does.StartWith("-----BEGIN PRIVATE KEY-----"));
        Assert.That(Directory.GetFiles(_folder).Select(Path.GetFileName).Order(),
            Is.EqualTo(new[] { "device.cert.pem", "device.key.pem", "ecdh.cert.pem", "ecdh.key.pem" }));
        Assert.That(key.IsHardwareBacked, Is.False);
    }

    [Test]
    public void Create_FollowsTheDeviceCertificateRules_AndSignaturesVerify()
    {
        using var key = SoftwareDeviceKey.LoadOrCreate(_folder, "sw-2", _time);
        DeviceCertificateAssertions.AssertDeviceCertificate(key.Certificate, "sw-2");
        var digest = SHA256.HashData("payload"u8);
        var sig = key.SignDigest(digest);
        Assert.That(sig, Has.Length.EqualTo(64));
        using var pub = key.Certificate.GetECDsaPublicKey()!;
        Assert.That(pub.VerifyHash(digest, sig), Is.True);
    }

    [Test]
    public void Reload_GivesTheSameCertAndKey()
    {
        byte[] cert;
        using (var first = SoftwareDeviceKey.LoadOrCreate(_folder, "sw-3", _time)) cert = first.Certificate.RawData;

        using var again = SoftwareDeviceKey.LoadOrCreate(_folder, "sw-3", new FixedTimeProvider(DeviceCertificateAssertions.Now.AddDays(3)));

        Assert.That(again.Certificate.RawData, Is.EqualTo(cert));
        var digest = SHA256.HashData("reloaded"u8);
        using var pub = again.Certificate.GetECDsaPublicKey()!;
        Assert.That(pub.VerifyHash(digest, again.SignDigest(digest)), Is.True);
    }

    [Test]
    public void Reload_TightensAKeyFileOthersCouldRead()
    {
        using (SoftwareDeviceKey.LoadOrCreate(_folder, "sw-4", _time)) { }
        var path = Path.Combine(_folder, "device.key.pem");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        using var again = SoftwareDeviceKey.LoadOrCreate(_folder, "sw-4", _time);

        Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public void CorruptKeyFile_FailsSayingWhichFileAndWhatToDo()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllText(Path.Combine(_folder, "device.key.pem"), "not a key");
        var e = Assert.Throws<InvalidDataException>(() => SoftwareDeviceKey.LoadOrCreate(_folder, "sw-5", _time));
        Assert.That(e!.Message, Does.Contain("device.key.pem").And.Contain("restore it from backup"));
    }

    [Test]
    public void DeriveSharedSecret_EqualsThePeersSide()
    {
        using var key = SoftwareDeviceKey.LoadOrCreate(_folder, "sw-6", _time);
        using var controller = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        using var devicePub = key.EcdhCertificate.GetECDiffieHellmanPublicKey()!;
        Assert.That(key.DeriveSharedSecret(controller.PublicKey),
            Is.EqualTo(controller.DeriveRawSecretAgreement(devicePub.PublicKey)));
        Assert.That(DeviceCertificateAssertions.IsSignedBy(key.EcdhCertificate, key.Certificate), Is.True);
    }
}
