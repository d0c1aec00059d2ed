using System.Diagnostics;
using Eve.Appliance.Agent.BaseOs;
using Eve.Appliance.Platform.Gpt;
using Eve.Appliance.Tests.Support;
using Org.Lfedge.Eve.Info;
using S = Eve.Appliance.Agent.BaseOs.EvePartitionState;

namespace Eve.Appliance.Tests.Agent.BaseOs;

/// <summary>The base-OS subsystem through whole update cycles on a sparse sgdisk disk image: real
/// squashfs images, the real downloader (local file source), partition writer, GPT writer and
/// gptprio selector; only the reboot is simulated and the timers are milliseconds.</summary>
[TestFixture]
public sealed class BaseOsSubsystemTests
{
    private AbMachine _m = null!;

    [SetUp]
    public async Task CreateDevice() => _m = await AbMachine.CreateAsync("baseos-sub");

    [TearDown]
    public async Task RemoveDevice() => await _m.DisposeAsync();

    [Test]
    public async Task Update_Reboot_TestWindowPasses_Commits()
    {
        var sw = Stopwatch.StartNew();
        Assert.That(await _m.BootAsync(), Is.EqualTo("IMGA"));
        var (image, sha) = await SquashfsImage.BuildAsync(_m.Dir, "2.0");
        _m.Apply(AbMachine.BaseOsConfig(image, sha, "2.0"));

        var (reason, booted) = await _m.RebootWhenAskedAsync();
        Assert.That(reason, Does.Contain("base image update 1.0 -> 2.0"));
        Assert.That(booted, Is.EqualTo("IMGB"));
        Assert.That(await _m.SlotsAsync(), Is.EqualTo(new BaseOsSlots(S.InProgress, S.Active)), "GRUB spent IMGB's one try");

        await Eventually.WaitAsync(async () => await _m.SlotsAsync() == new BaseOsSlots(S.Active, S.Unused), "commit after the test window");
        sw.Stop();
        TestContext.Out.WriteLine($"update -> reboot -> test window (300 ms) -> commit: {sw.Elapsed.TotalMilliseconds:0} ms");

        await Eventually.WaitAsync(() => _m.Reports.DeviceInfo().LastBootReason == BootReason.Update, "last boot reason reported");
        await Eventually.WaitAsync(() => _m.Reports.DeviceInfo().SwList.Count(s => s.Activated && s.ShortVersion == "2.0") == 1, "2.0 reported as running");
        var info = _m.Reports.DeviceInfo();
        Assert.That(info.LastRebootReason, Does.Contain("1.0 -> 2.0"));
        var running = info.SwList.Single(s => s.Activated);
        Assert.That((running.PartitionLabel, running.PartitionState, running.ShortVersion, running.UserStatus),
            Is.EqualTo(("IMGB", "active", "2.0", BaseOsStatus.Updated)));
        var other = info.SwList.Single(s => !s.Activated);
        Assert.That((other.PartitionLabel, other.PartitionState, other.ShortVersion), Is.EqualTo(("IMGA", "unused", "1.0")));
        Assert.That((await _m.BootAsync()), Is.EqualTo("IMGB"), "the committed image boots again");
    }

    [Test]
    public async Task GatesFail_FallsBack_VersionRefused_UntilRetryCounterChanges()
    {
        await _m.BootAsync();
        var (image, sha) = await SquashfsImage.BuildAsync(_m.Dir, "2.0");
        _m.GateProblem = "the upstream controller does not answer";
        _m.Apply(AbMachine.BaseOsConfig(image, sha, "2.0"));
        Assert.That((await _m.RebootWhenAskedAsync()).Booted, Is.EqualTo("IMGB"));

        var (fallbackReason, back) = await _m.RebootWhenAskedAsync();
        Assert.That(fallbackReason, Does.Contain("fallback to 1.0").And.Contain("does not answer"));
        Assert.That(back, Is.EqualTo("IMGA"), "GRUB skips the inprogress partition");
        Assert.That(await _m.SlotsAsync(), Is.EqualTo(new BaseOsSlots(S.Active, S.InProgress)));
        await Eventually.WaitAsync(() => _m.Reports.DeviceInfo().LastBootReason == BootReason.Fallback, "fallback reported as the boot reason");
        // The boot reason and the partitions are reported by different parts: wait for both.
        await Eventually.WaitAsync(() => _m.Reports.DeviceInfo().SwList.Count(s => !s.Activated) == 1, "partitions reported after the fallback");
        var failed = _m.Reports.DeviceInfo().SwList.Single(s => !s.Activated);
        Assert.That((failed.PartitionLabel, failed.PartitionState, failed.ShortVersion), Is.EqualTo(("IMGB", "inprogress", "2.0")));
        Assert.That(failed.SwErr.Description, Does.Contain("2.0").And.Contain("does not answer"));

        // The same version again (a new config epoch): refused, the disk untouched.
        _m.GateProblem = null;
        var before = await File.ReadAllBytesAsync(_m.Disk);
        _m.Apply(AbMachine.BaseOsConfig(image, sha, "2.0"));
        await Eventually.WaitAsync(() => _m.BaseOs.Report.LastError?.Contains("refused until baseos.retry_update.counter changes") == true, "refusal");
        Assert.That(_m.Reboot.Requested.IsCompleted, Is.False);
        Assert.That((await File.ReadAllBytesAsync(_m.Disk)).AsSpan().SequenceEqual(before), Is.True);

        // The operator bumps the retry counter: the staged image is tried again, without a rewrite.
        _m.Apply(AbMachine.BaseOsConfig(image, sha, "2.0", retry: 1));
        var (retryReason, again) = await _m.RebootWhenAskedAsync();
        Assert.That(retryReason, Does.Contain("retrying the update to 2.0"));
        Assert.That(again, Is.EqualTo("IMGB"));
        await Eventually.WaitAsync(async () => await _m.SlotsAsync() == new BaseOsSlots(S.Active, S.Unused), "commit of the retried version");
    }

    [Test]
    public async Task ForceFallbackCounter_BootsThePreviousImage_AndCommitsIt()
    {
        await _m.BootAsync();
        var (image, sha) = await SquashfsImage.BuildAsync(_m.Dir, "2.0");
        _m.Apply(AbMachine.BaseOsConfig(image, sha, "2.0"));
        await _m.RebootWhenAskedAsync();
        await Eventually.WaitAsync(async () => await _m.SlotsAsync() == new BaseOsSlots(S.Active, S.Unused), "commit of 2.0");

        _m.Apply(AbMachine.BaseOsConfig(image, sha, "2.0", forceFallback: 1));
        var (reason, booted) = await _m.RebootWhenAskedAsync();
        Assert.That(reason, Does.Contain("forced fallback to 1.0"));
        Assert.That(booted, Is.EqualTo("IMGA"));
        await Eventually.WaitAsync(async () => await _m.SlotsAsync() == new BaseOsSlots(S.Active, S.Unused), "commit of 1.0 after the forced fallback");
        await Eventually.WaitAsync(() => _m.Reports.DeviceInfo().SwList.SingleOrDefault(s => s.Activated)?.ShortVersion == "1.0", "1.0 reported as running");
        // Config still names 2.0; the rollback makes it refused until the retry counter changes.
        _m.Apply(AbMachine.BaseOsConfig(image, sha, "2.0", forceFallback: 1));
        await Eventually.WaitAsync(() => _m.BaseOs.Report.LastError?.Contains("rolled back on purpose") == true, "2.0 refused after the rollback");
        Assert.That(_m.Reboot.Requested.IsCompleted, Is.False);
        Assert.That(await _m.SlotsAsync(), Is.EqualTo(new BaseOsSlots(S.Active, S.Unused)));
    }

    [Test]
    public async Task PowerCutMidWrite_NextBootRunsTheOldImage_AndTheUpdateCompletes()
    {
        await _m.BootAsync();
        var (image, sha) = await SquashfsImage.BuildAsync(_m.Dir, "2.0");
        // What a power cut in the middle of the partition write leaves: the first half of the new
        // image in IMGB (still unused) and nothing else; the GPT is untouched until the write is verified.
        await _m.StopAsync();
        var bytes = await File.ReadAllBytesAsync(image);
        using (var dev = FileBlockDevice.Open(_m.Disk, writable: true))
        {
            var imgb = (await GptReader.ReadAsync(dev)).Table.Find("IMGB")!.Value;
            await dev.WriteAsync((long)imgb.FirstLba * 512, bytes.AsMemory(0, bytes.Length / 2));
            await dev.FlushAsync();
        }
        Assert.That(await _m.BootAsync(), Is.EqualTo("IMGA"));
        await Eventually.WaitAsync(() => _m.Reports.DeviceInfo().LastBootReason == BootReason.PowerFail, "power loss reported");
        await Eventually.WaitAsync(() => _m.Reports.DeviceInfo().SwList.SingleOrDefault(s => s.Activated)?.ShortVersion == "1.0", "1.0 reported as running");

        _m.Apply(AbMachine.BaseOsConfig(image, sha, "2.0"));
        Assert.That((await _m.RebootWhenAskedAsync()).Booted, Is.EqualTo("IMGB"));
        await Eventually.WaitAsync(async () => await _m.SlotsAsync() == new BaseOsSlots(S.Active, S.Unused), "commit after the retried write");
    }

    [Test]
    public async Task ImageWhoseVersionDiffersFromConfig_IsNotActivated()
    {
        await _m.BootAsync();
        var (image, sha) = await SquashfsImage.BuildAsync(_m.Dir, "2.1");
        _m.Apply(AbMachine.BaseOsConfig(image, sha, "2.0"));
        await Eventually.WaitAsync(() => _m.BaseOs.Report.LastError?.Contains("holds version 2.1") == true, "version mismatch error");
        Assert.That(await _m.SlotsAsync(), Is.EqualTo(new BaseOsSlots(S.Active, S.Unused)));
        Assert.That(_m.Reboot.Requested.IsCompleted, Is.False);
    }

    [Test]
    public async Task RuntimeRestartsBetweenStagingAndReboot_TheRebootIsRequestedAgain()
    {
        await _m.BootAsync();
        var (image, sha) = await SquashfsImage.BuildAsync(_m.Dir, "2.0");
        _m.Apply(AbMachine.BaseOsConfig(image, sha, "2.0"));
        await _m.WaitRebootAsync();
        Assert.That(await _m.RestartRuntimeAsync(), Is.EqualTo("IMGA"));
        Assert.That(await _m.WaitRebootAsync(), Does.Contain("an update was staged before the agent restarted").And.Contain("2.0"));
        Assert.That((await _m.RebootWhenAskedAsync()).Booted, Is.EqualTo("IMGB"));
    }

    [Test]
    public async Task NoBootDisk_ReportsThatThereIsNoABDisk()
    {
        _m.Configure = o => o with { BootDisk = null };
        await _m.BootAsync();
        await Eventually.WaitAsync(() => _m.Reports.DeviceInfo().SwList.Count == 1, "base-OS info");
        Assert.That(_m.Reports.DeviceInfo().SwList[0].SwErr.Description, Is.EqualTo(BaseOsSubsystem.NoDiskMessage));
    }

    [TestCase("BOOT_IMAGE=/vmlinuz eve.partition=IMGB console=ttyS0", "IMGB")]
    [TestCase("root=PARTLABEL=IMGA ro", "IMGA")]
    public void BootedPartition_FromKernelCommandLine(string cmdline, string expected) =>
        Assert.That(KernelCommandLine.BootedPartition(cmdline), Is.EqualTo(expected));

    [Test]
    public void BootedPartition_Unknown_SaysWhatItExpected() =>
        Assert.That(() => KernelCommandLine.BootedPartition("root=/dev/sda2"), Throws.InvalidOperationException.With.Message.Contains("eve.partition="));
}
