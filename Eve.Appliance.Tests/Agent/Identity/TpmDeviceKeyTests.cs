using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Agent.Identity;
using Eve.Appliance.Platform.Tpm;
using Eve.Appliance.Tests.Platform.Tpm;

namespace Eve.Appliance.Tests.Agent.Identity;

/// <summary>The device identity in a real swtpm. Each test gets its own swtpm and folder.</summary>
[TestFixture]
[Parallelizable(ParallelScope.Self)]
public sealed class TpmDeviceKeyTests
{
    private SwtpmInstance _swtpm = null!;
    private TpmClient _tpm = null!;
    private string _folder = null!;
    private readonly TimeProvider _time = new FixedTimeProvider(DeviceCertificateAssertions.Now);

    [SetUp]
    public async Task Start()
    {
        _swtpm = await SwtpmInstance.StartAsync();
        _tpm = _swtpm.Connect();
        _folder = Path.Combine(Path.GetTempPath(), "eve-tpmkey-" + Guid.NewGuid().ToString("N")[..12]);
    }

    [TearDown]
    public async Task Stop()
    {
        await _tpm.DisposeAsync();
        await _swtpm.DisposeAsync();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, true);
    }

    [Test]
    public async Task Create_MakesSelfSignedCertSignedInTheTpm_WhoseKeyVerifiesSignatures()
    {
        var key = await TpmDeviceKey.LoadOrCreateAsync(_tpm, _folder, "serial-123", _time);

        DeviceCertificateAssertions.AssertDeviceCertificate(key.Certificate, "serial-123");
        Assert.That(key.IsHardwareBacked, Is.True);
        Assert.That(key.Description, Does.Contain("0x817fffff"));
        var digest = SHA256.HashData("AuthContainer payload"u8);
        var sig = key.SignDigest(digest);
        Assert.That(sig, Has.Length.EqualTo(64), "raw r||s");
        using var pub = key.Certificate.GetECDsaPublicKey()!;
        Assert.That(pub.VerifyHash(digest, sig), Is.True);
        Assert.That(pub.VerifyHash(SHA256.HashData("other"u8), sig), Is.False);
        var onDisk = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(_folder, "device.cert.pem")));
        Assert.That(onDisk.RawData, Is.EqualTo(key.Certificate.RawData));
    }

    [Test]
    public async Task Create_PersistsKeysAtEveHandles_AndLeavesNoPrivateKeyFileAnywhere()
    {
        await TpmDeviceKey.LoadOrCreateAsync(_tpm, _folder, "serial-1", _time);

        var persistent = await _tpm.GetHandlesAsync(TpmHandle.PersistentFirst);
        Assert.That(persistent, Does.Contain(0x817FFFFFu).And.Contain(0x81000005u));
        Assert.That(await _tpm.GetHandlesAsync(TpmHandle.TransientFirst), Is.Empty, "everything loaded was flushed");

        var files = Directory.GetFiles(_folder, "*", SearchOption.AllDirectories).Select(Path.GetFileName).Order().ToList();
        Assert.That(files, Is.EqualTo(new[] { "device.cert.pem", "device.tpm.json", "ecdh.cert.pem" }));
        foreach (var f in Directory.GetFiles(_folder, "*", SearchOption.AllDirectories))
            Assert.That(await File.ReadAllTextAsync(f), Does.Not.Contain("PRIVATE KEY"), f);
        Assert.That(await File.ReadAllTextAsync(Path.Combine(_folder, "device.tpm.json")),
            Does.Contain("\"signingKeyHandle\": \"0x817fffff\"").And.Contain("\"ecdhKeyHandle\": \"0x81000005\""));
    }

    [Test]
    public async Task PersistedKey_SurvivesSwtpmRestart_WithTheSameCertificate()
    {
        var first = await TpmDeviceKey.LoadOrCreateAsync(_tpm, _folder, "serial-r", _time);
        await _tpm.DisposeAsync();
        await _swtpm.RestartAsync();
        _tpm = _swtpm.Connect();

        var again = await TpmDeviceKey.LoadOrCreateAsync(_tpm, _folder, "serial-r", _time);

        Assert.That(again.Certificate.RawData, Is.EqualTo(first.Certificate.RawData));
        Assert.That(again.EcdhCertificate.RawData, Is.EqualTo(first.EcdhCertificate.RawData));
        var digest = SHA256.HashData("after restart"u8);
        using var pub = first.Certificate.GetECDsaPublicKey()!;
        Assert.That(pub.VerifyHash(digest, again.SignDigest(digest)), Is.True);
    }

    [Test]
    public async Task DeriveSharedSecret_EqualsEcdhComputedInSoftwareByThePeer()
    {
        var key = await TpmDeviceKey.LoadOrCreateAsync(_tpm, _folder, "serial-e", _time);
        using var controller = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);

        var deviceSide = key.DeriveSharedSecret(controller.PublicKey);

        using var deviceEcdhPub = key.EcdhCertificate.GetECDiffieHellmanPublicKey()!;
        var controllerSide = controller.DeriveRawSecretAgreement(deviceEcdhPub.PublicKey);
        Assert.That(deviceSide, Is.EqualTo(controllerSide));
        Assert.That(DeviceCertificateAssertions.IsSignedBy(key.EcdhCertificate, key.Certificate), Is.True,
            "the ECDH cert is vouched for by the device key");
        Assert.That(key.EcdhCertificate.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages,
            Is.EqualTo(X509KeyUsageFlags.KeyAgreement));
    }

    [Test]
    public async Task HandleHoldingAnotherKind_IsNotOverwritten_AndTheErrorSaysWhatToDo()
    {
        const uint taken = 0x81000200;
        var storage = await _tpm.CreatePrimaryAsync(TpmHandle.Owner, TpmTemplates.EccStorageKey());
        await _tpm.PersistAsync(storage.Handle, taken);
        await _tpm.FlushContextAsync(storage.Handle);

        var e = Assert.ThrowsAsync<InvalidOperationException>(() =>
            TpmDeviceKey.LoadOrCreateAsync(_tpm, _folder, "s", _time, new TpmDeviceKeyHandles(taken, 0x81000201)));
        Assert.That(e!.Message, Does.Contain("0x81000200").And.Contain("evict it"));
        var still = await _tpm.ReadPublicAsync(taken);
        Assert.That(still.Public.SameKeyAs(storage.Public), Is.True);
    }

    [Test]
    public async Task CertForAnotherKey_IsReplaced_WhenTheTpmKeyChanged()
    {
        var first = await TpmDeviceKey.LoadOrCreateAsync(_tpm, _folder, "serial-c", _time);
        await _tpm.EvictAsync(first.Handles.SigningKey);

        var second = await TpmDeviceKey.LoadOrCreateAsync(_tpm, _folder, "serial-c", _time);

        Assert.That(second.Certificate.RawData, Is.Not.EqualTo(first.Certificate.RawData));
        var digest = SHA256.HashData("new key"u8);
        using var pub = second.Certificate.GetECDsaPublicKey()!;
        Assert.That(pub.VerifyHash(digest, second.SignDigest(digest)), Is.True);
    }
}
