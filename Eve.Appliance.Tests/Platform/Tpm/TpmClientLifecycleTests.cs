using Eve.Appliance.Platform.Tpm;

namespace Eve.Appliance.Tests.Platform.Tpm;

/// <summary>Startup, Shutdown, GetRandom, GetCapability on a swtpm that is powered on but not started
/// (no startup-clear flag), like a TPM right after firmware hands over.</summary>
[TestFixture]
[Parallelizable(ParallelScope.Self)]
public sealed class TpmClientLifecycleTests
{
    [Test]
    public async Task Startup_OnUnstartedTpm_Succeeds_ThenReportsAlreadyStarted()
    {
        await using var swtpm = await SwtpmInstance.StartAsync(startupClear: false);
        await using var tpm = swtpm.Connect();

        var before = Assert.ThrowsAsync<TpmException>(() => tpm.GetRandomAsync(8));
        Assert.That(before!.RcName, Is.EqualTo("TPM_RC_INITIALIZE"));
        Assert.That(before.Message, Does.Contain("send TPM2_Startup"));

        Assert.That(await tpm.StartupAsync(), Is.True);
        Assert.That(await tpm.StartupAsync(), Is.False);
        Assert.That(await tpm.GetRandomAsync(8), Has.Length.EqualTo(8));
    }

    [Test]
    public async Task Shutdown_IsAccepted_AndStatePersistsAcrossRestart()
    {
        await using var swtpm = await SwtpmInstance.StartAsync();
        const uint nv = 0x01500200;
        await using (var tpm = swtpm.Connect())
        {
            await tpm.NvDefineSpaceAsync(TpmNvPublic.OwnerReadWrite(nv, 4));
            await tpm.NvWriteAsync(nv, new byte[] { 1, 2, 3, 4 });
            await tpm.ShutdownAsync();
        }
        await swtpm.RestartAsync();
        await using (var tpm = swtpm.Connect())
            Assert.That(await tpm.NvReadAsync(nv, 4), Is.EqualTo(new byte[] { 1, 2, 3, 4 }));
    }

    [Test]
    public async Task GetRandom_ReturnsRequestedLength_AndFreshBytes()
    {
        await using var swtpm = await SwtpmInstance.StartAsync();
        await using var tpm = swtpm.Connect();
        var a = await tpm.GetRandomAsync(100);
        var b = await tpm.GetRandomAsync(100);
        Assert.That(a, Has.Length.EqualTo(100));
        Assert.That(a, Is.Not.EqualTo(b));
    }

    [Test]
    public async Task GetCapability_ReportsTpm20_ObjectSlots_AndSha256Bank()
    {
        await using var swtpm = await SwtpmInstance.StartAsync();
        await using var tpm = swtpm.Connect();
        var props = await tpm.GetPropertiesAsync(TpmProperty.FamilyIndicator, 64);
        Assert.That(props[TpmProperty.FamilyIndicator], Is.EqualTo(0x322E3000u), "\"2.0\\0\"");
        Assert.That(props[TpmProperty.HrTransientMin], Is.GreaterThanOrEqualTo(3u));
        Assert.That(props.Keys, Does.Contain(TpmProperty.Manufacturer));

        var banks = await tpm.GetPcrBanksAsync();
        Assert.That(banks.Single(b => b.Hash == TpmAlg.Sha256).Pcrs, Has.Count.EqualTo(24));
    }
}
