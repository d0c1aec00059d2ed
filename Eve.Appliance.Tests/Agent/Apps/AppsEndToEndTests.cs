using Eve.Appliance.Platform.Processes;
using Eve.Appliance.Platform.Qemu;
using Eve.Appliance.Tests.Platform.Qemu;
using Eve.Appliance.Tests.Support;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Tests.Agent.Apps;

/// <summary>The apps subsystem end to end: the real controller with its built-in datastore, the
/// real agent, real downloads over TLS, qemu-img volumes and QEMU (TCG) booting the test guest.
/// The lifecycle scenarios share one app to keep the number of boots small.</summary>
[TestFixture]
public sealed class AppsEndToEndTests
{
    private const string DsId = "6f1b1a8e-3a3c-4d7e-9a55-0d5f0c1d2e01";
    private const string KernelCt = "6f1b1a8e-3a3c-4d7e-9a55-0d5f0c1d2e02";
    private const string InitrdCt = "6f1b1a8e-3a3c-4d7e-9a55-0d5f0c1d2e03";
    private const string DiskCt = "6f1b1a8e-3a3c-4d7e-9a55-0d5f0c1d2e04";
    private const string KernelVol = "7a2c2b9f-4b4d-4e8f-8b66-1e6f1d2e3f01";
    private const string InitrdVol = "7a2c2b9f-4b4d-4e8f-8b66-1e6f1d2e3f02";
    private const string DiskVol = "7a2c2b9f-4b4d-4e8f-8b66-1e6f1d2e3f03";
    private static readonly Guid AppId = Guid.Parse("8b3d3c0a-5c5e-4f90-9c77-2f7a2e3f4a01");
    private const long DiskBytes = 32 << 20;

    private AppsTestBed? _bed;

    [TearDown]
    public async Task TearDown()
    {
        if (_bed != null) await _bed.DisposeAsync();
        _bed = null;
    }

    /// <summary>Adds the guest's kernel, initramfs and disk to the built-in datastore and returns
    /// a config change that runs them as one app.</summary>
    internal static async Task<Action<EdgeDevConfig>> GuestAppAsync(AppsTestBed bed, Guid appId, string name, uint memoryKiB = 256 * 1024)
    {
        var guest = await TestGuest.DirAsync();
        var kernel = await bed.AddImageAsync(Path.Combine(guest, "vmlinuz"));
        var initrd = await bed.AddImageAsync(Path.Combine(guest, "initramfs.gz"));
        var disk = await bed.AddImageAsync(Path.Combine(guest, "disk.qcow2"));
        var ds = kernel["datastore"]!;
        return c =>
        {
            c.Datastores.Add(AppConfigs.Datastore(DsId, DsType.DsHttps, ds["fqdn"]!.GetValue<string>(), ds["dpath"]!.GetValue<string>()));
            c.ContentInfo.Add(AppConfigs.Content(KernelCt, DsId, kernel["sha256"]!.GetValue<string>(), kernel["sha256"]!.GetValue<string>(), Format.Raw, "kernel"));
            c.ContentInfo.Add(AppConfigs.Content(InitrdCt, DsId, initrd["sha256"]!.GetValue<string>(), initrd["sha256"]!.GetValue<string>(), Format.Raw, "initrd"));
            c.ContentInfo.Add(AppConfigs.Content(DiskCt, DsId, disk["sha256"]!.GetValue<string>(), disk["sha256"]!.GetValue<string>(), Format.Qcow2, "disk"));
            c.Volumes.Add(AppConfigs.DownloadVolume(KernelVol, KernelCt, Target.Kernel, name: "kernel"));
            c.Volumes.Add(AppConfigs.DownloadVolume(InitrdVol, InitrdCt, Target.Initrd, name: "initrd"));
            c.Volumes.Add(AppConfigs.DownloadVolume(DiskVol, DiskCt, Target.Disk, DiskBytes, "data"));
            c.Apps.Add(AppConfigs.App(appId.ToString(), name, memoryKiB, "console=ttyS0 quiet panic=-1 test.hold", true, KernelVol, InitrdVol, DiskVol));
        };
    }

    private async Task<int> RunningPidAsync(string what, int? notPid = null)
    {
        var bed = _bed!;
        await Eventually.WaitAsync(async () => AppsTestBed.State(await bed.AppInfoAsync(AppId)) == "RUNNING"
            && bed.Apps.Worker(AppId)?.Vm is { IsRunning: true } vm && vm.Pid != notPid, what, 120);
        return bed.Apps.Worker(AppId)!.Vm!.Pid;
    }

    private static async Task<string> InodeAsync(string path) =>
        (await ProcessRunner.Default.RunAsync("stat", ["-c", "%i", path], TimeSpan.FromSeconds(10))).Stdout.Trim();

    [Test]
    public async Task VmApp_FromBuiltInDatastore_Boots_Restarts_Purges_SurvivesKillAndAgentRestart_AndIsRemoved()
    {
        _bed = await AppsTestBed.StartAsync("SN-apps-e2e");
        var bed = _bed;
        await bed.SetConfigAsync(await GuestAppAsync(bed, AppId, "guest"));

        // Boot: downloaded over the controller's TLS, verified, volumes made, RUNNING, marker in the app log.
        var pid = await RunningPidAsync("app RUNNING");
        var serial = bed.Apps.Worker(AppId)!.SerialLogPath;
        var log = await TestGuest.WaitForSerialAsync(serial, "EVE-TEST-DONE", TimeSpan.FromSeconds(120));
        Assert.That(log, Does.Contain($"EVE-TEST-DISK: vda {DiskBytes / 512} sectors"), "disk volume grown to maxsizebytes");
        await Eventually.WaitAsync(async () => (await bed.AppLogLinesAsync(AppId)).Any(l => l.Contains("EVE-TEST-MARKER")), "marker in the controller's app logs");
        var ct = await bed.InfoAsync("ZiContentTree", Guid.Parse(DiskCt), "cinfo");
        Assert.That(ct?["progressPercentage"]?.GetValue<int>(), Is.EqualTo(100));
        var volumePath = Directory.GetFiles(Path.Combine(bed.AppsDir, "volumes")).Single(f => f.Contains(DiskVol));
        var inode = await InodeAsync(volumePath);
        await Eventually.WaitAsync(() => MetricsHaveAppAsync(bed), "app metrics");

        // Restart counter: a new QEMU, the same volume.
        await bed.SetConfigAsync(c => c.Apps[0].Restart.Counter = 1);
        var restarted = await RunningPidAsync("restarted app RUNNING", notPid: pid);
        Assert.That(ProcStat.TryRead(pid) is { IsGone: false }, Is.False, "old QEMU gone");
        Assert.That(await InodeAsync(volumePath), Is.EqualTo(inode), "volume preserved across restart");

        // Purge counter: a new QEMU on a recreated volume. A hard link keeps the old inode alive,
        // so the file system cannot hand the recreated volume the same inode number again.
        // The pin lives outside the volumes folder: the volume collector deletes strangers there.
        var keepOld = Path.Combine(bed.AppsDir, "volume-before-purge.pin");
        await ProcessRunner.Default.RunAsync("ln", [volumePath, keepOld], TimeSpan.FromSeconds(10));
        await bed.SetConfigAsync(c => c.Apps[0].Purge.Counter = 1);
        // Wait for the purge itself, not just any new QEMU: under load the old one may also have
        // been restarted for another reason (a crash report), which reuses the volume.
        await Eventually.WaitAsync(() => bed.Apps.Worker(AppId)?.Record.PurgeApplied == 1, "purge applied", 120);
        var purged = await RunningPidAsync("purged app RUNNING", notPid: restarted);
        Assert.That(await InodeAsync(volumePath), Is.Not.EqualTo(inode), "volume recreated by purge");
        File.Delete(keepOld);

        // Killed from outside: reported and restarted.
        var vm = bed.Apps.Worker(AppId)!.Vm!;
        LinuxProcess.Kill(vm.Pid, vm.StartTicks);
        var revived = await RunningPidAsync("app restarted after kill", notPid: purged);
        var info = await Eventually.WaitAsync(async () =>
        {
            var a = await bed.AppInfoAsync(AppId);
            return a?["appErr"]?[0]?["description"]?.GetValue<string>().Contains("killed from outside") == true ? a : null;
        }, "kill reported in info");
        Assert.That(AppsTestBed.State(info), Is.EqualTo("RUNNING"));

        // Agent restart: the VM is adopted, not restarted.
        await bed.StopAgentAsync();
        Assert.That(ProcStat.TryRead(revived) is { IsGone: false }, Is.True, "VM outlives the agent");
        await bed.StartAgentAsync("SN-apps-e2e");
        await Eventually.WaitAsync(() => bed.Apps.Worker(AppId)?.Vm is { Adopted: true }, "VM adopted");
        Assert.That(bed.Apps.Worker(AppId)!.Vm!.Pid, Is.EqualTo(revived));

        // Deleted from the config: QEMU stopped, volume and blobs removed, nothing left behind.
        await bed.SetConfigAsync(c =>
        {
            c.Apps.Clear();
            c.Volumes.Clear();
            c.ContentInfo.Clear();
        });
        await Eventually.WaitAsync(() => ProcStat.TryRead(revived) is not { IsGone: false } && bed.Apps.Worker(AppId) is null, "app stopped and forgotten");
        await Eventually.WaitAsync(() => Directory.GetFiles(Path.Combine(bed.AppsDir, "volumes")).Length == 0
            && Directory.GetFiles(Path.Combine(bed.AppsDir, "content", "blobs", "sha256")).Length == 0, "volume and blobs removed");
        Assert.That(Directory.GetFiles(bed.RunDir), Is.Empty, "no QMP socket or pidfile left");
        Assert.That(Directory.GetFiles(Path.Combine(bed.AppsDir, "state")), Is.Empty, "app record removed");
    }

    private static async Task<bool> MetricsHaveAppAsync(AppsTestBed bed)
    {
        using var admin = new Eve.Appliance.Cli.AdminClient(bed.Controller.DataDir);
        var metrics = (await admin.GetAsync($"admin/devices/{bed.DeviceId}/metrics?last=3"))!.AsArray();
        return metrics.Any(m => m!["message"]?["am"]?.AsArray().Any(a => a!["AppID"]?.GetValue<string>() == AppId.ToString()
            && a["memory"]?["usedMem"]?.GetValue<int>() > 0) == true);
    }
}
