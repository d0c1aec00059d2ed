using System.Text;
using Eve.Appliance.Agent.Apps;
using Eve.Appliance.Platform.Processes;
using Eve.Appliance.Tests.Platform.Qemu;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.Agent.Apps;

/// <summary>An app with cloud-init user data, through the real controller (which seals the user
/// data for the device) and the real agent: QEMU gets the NoCloud seed disk, the test guest boots
/// and reads user-data and meta-data from it; a change of user data rebuilds the seed and restarts
/// the VM; deleting the app removes the seed.</summary>
[TestFixture]
public sealed class CloudInitSeedEndToEndTests
{
    private static readonly Guid AppId = Guid.Parse("8b3d3c0a-5c5e-4f90-9c77-2f7a2e3f4a71");

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    [Test]
    public async Task AppWithUserData_BootsWithTheSeedDisk_RebuiltOnChange_RemovedWithTheApp()
    {
        await using var bed = await AppsTestBed.StartAsync("SN-seed");
        var guest = await AppsEndToEndTests.GuestAppAsync(bed, AppId, "seeded");
        await bed.SetConfigAsync(c =>
        {
            guest(c);
            c.Apps[0].Fixedresources.Extraargs += " test.cidata";
            c.Apps[0].UserData = B64("#cloud-config\nmarker: first\n");
        });
        var seed = CloudInitSeed.PathFor(Path.Combine(bed.AppsDir, "seeds"), AppId);

        var pid = await RunningPidAsync(bed, null);
        var cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
        Assert.That(cmdline.Any(a => a.StartsWith($"file={seed},", StringComparison.Ordinal) && a.EndsWith("format=raw,readonly=on", StringComparison.Ordinal)), Is.True,
            $"QEMU carries the seed, read-only: {string.Join(' ', cmdline)}");
        var serial = bed.Apps.Worker(AppId)!.SerialLogPath;
        var log = await TestGuest.WaitForSerialAsync(serial, "EVE-TEST-DONE", TimeSpan.FromSeconds(120));
        Assert.That(log, Does.Contain("label=CIDATA"));
        Assert.That(log, Does.Contain("EVE-TEST-CIDATA-USER: marker: first"));
        Assert.That(log, Does.Contain($"EVE-TEST-CIDATA-META: instance-id: {AppId:D}/"));
        Assert.That(log, Does.Contain("EVE-TEST-CIDATA-META: local-hostname: seeded"));

        await bed.SetConfigAsync(c => c.Apps[0].UserData = B64("#cloud-config\nmarker: second\n"));
        var restarted = await RunningPidAsync(bed, pid);
        await TestGuest.WaitForSerialAsync(serial, "EVE-TEST-CIDATA-USER: marker: second", TimeSpan.FromSeconds(120));
        var onDisk = await ProcessRunner.Default.RunAsync("mtype", ["-i", seed, "::user-data"]);
        Assert.That(onDisk.Stdout, Is.EqualTo("#cloud-config\nmarker: second\n"));

        await bed.SetConfigAsync(c =>
        {
            c.Apps.Clear();
            c.Volumes.Clear();
            c.ContentInfo.Clear();
        });
        await Eventually.WaitAsync(() => bed.Apps.Worker(AppId) is null && !Directory.Exists($"/proc/{restarted}"), "app stopped and forgotten");
        Assert.That(File.Exists(seed), Is.False, "seed removed with the app");
    }

    private static async Task<int> RunningPidAsync(AppsTestBed bed, int? notPid)
    {
        await Eventually.WaitAsync(async () => AppsTestBed.State(await bed.AppInfoAsync(AppId)) == "RUNNING"
            && bed.Apps.Worker(AppId)?.Vm is { IsRunning: true } vm && vm.Pid != notPid, "app RUNNING", 180);
        return bed.Apps.Worker(AppId)!.Vm!.Pid;
    }
}
