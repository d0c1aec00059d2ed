using Eve.Appliance.Agent.Identity;
using Eve.Appliance.Tests.Platform.Tpm;

namespace Eve.Appliance.Tests.Agent.Identity;

[TestFixture]
[Parallelizable(ParallelScope.Self)]
public sealed class DeviceKeyFactoryTests
{
    private string _folder = null!;
    private readonly TimeProvider _time = new FixedTimeProvider(DeviceCertificateAssertions.Now);

    [SetUp]
    public void Folder() => _folder = Path.Combine(Path.GetTempPath(), "eve-keyfactory-" + Guid.NewGuid().ToString("N")[..12]);

    [TearDown]
    public void Cleanup()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, true);
    }

    [Test]
    public async Task WithoutTpm_CreatesThenReloadsASoftwareKey()
    {
        var key = await DeviceKeyFactory.LoadOrCreateAsync(_folder, "f-1", null, _time);
        var again = await DeviceKeyFactory.LoadOrCreateAsync(_folder, "f-1", null, _time);
        Assert.That(key, Is.TypeOf<SoftwareDeviceKey>());
        Assert.That(again.Certificate.RawData, Is.EqualTo(key.Certificate.RawData));
        ((IDisposable)key).Dispose();
        ((IDisposable)again).Dispose();
    }

    [Test]
    public async Task WithTpm_CreatesATpmKey_AndFindsItAgainFromTheFolder()
    {
        await using var swtpm = await SwtpmInstance.StartAsync();
        await using var tpm = swtpm.Connect();
        var key = await DeviceKeyFactory.LoadOrCreateAsync(_folder, "f-2", tpm, _time);
        var again = await DeviceKeyFactory.LoadOrCreateAsync(_folder, "f-2", tpm, _time);
        Assert.That(key, Is.TypeOf<TpmDeviceKey>());
        Assert.That(again.Certificate.RawData, Is.EqualTo(key.Certificate.RawData));
    }

    [Test]
    public async Task TpmIdentityFolder_WithoutTpm_FailsInsteadOfMakingANewSoftwareIdentity()
    {
        await using (var swtpm = await SwtpmInstance.StartAsync())
        await using (var tpm = swtpm.Connect())
            await DeviceKeyFactory.LoadOrCreateAsync(_folder, "f-3", tpm, _time);

        var e = Assert.ThrowsAsync<InvalidOperationException>(() => DeviceKeyFactory.LoadOrCreateAsync(_folder, "f-3", null, _time));
        Assert.That(e!.Message, Does.Contain("TPM-backed").And.Contain("no TPM is available"));
        Assert.That(File.Exists(Path.Combine(_folder, "device.key.pem")), Is.False);
    }

    [Test]
    public async Task SoftwareIdentityFolder_StaysSoftware_WhenATpmAppears()
    {
        using (var sw = (SoftwareDeviceKey)await DeviceKeyFactory.LoadOrCreateAsync(_folder, "f-4", null, _time)) { }
        await using var swtpm = await SwtpmInstance.StartAsync();
        await using var tpm = swtpm.Connect();
        var key = await DeviceKeyFactory.LoadOrCreateAsync(_folder, "f-4", tpm, _time);
        Assert.That(key, Is.TypeOf<SoftwareDeviceKey>());
        ((IDisposable)key).Dispose();
    }
}
