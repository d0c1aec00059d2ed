using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Eve.Appliance.Agent.Content;
using Eve.Appliance.Platform.Qemu;
using Eve.Appliance.Tests.Agent.Content;
using Eve.Appliance.Tests.Platform.Qemu;
using Eve.Appliance.Tests.Support;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Tests.Agent.Apps;

/// <summary>Content paths end to end with the real controller, agent and QEMU: the app's images
/// come from an HTTP datastore on loopback that holds, then drops, the connection mid-blob; a
/// blob bigger than the free disk (real statvfs) is refused before its bytes are fetched; and
/// maintenance mode from the controller halts a running app and lets it start again.</summary>
[TestFixture]
public sealed class AppsContentEndToEndTests
{
    private const string DsId = "5e1b1a8e-3a3c-4d7e-9a55-0d5f0c1d2e01";
    private const string KernelCt = "5e1b1a8e-3a3c-4d7e-9a55-0d5f0c1d2e02";
    private const string InitrdCt = "5e1b1a8e-3a3c-4d7e-9a55-0d5f0c1d2e03";
    private const string DiskCt = "5e1b1a8e-3a3c-4d7e-9a55-0d5f0c1d2e04";
    private const string KernelVol = "5f2c2b9f-4b4d-4e8f-8b66-1e6f1d2e3f01";
    private const string InitrdVol = "5f2c2b9f-4b4d-4e8f-8b66-1e6f1d2e3f02";
    private const string DiskVol = "5f2c2b9f-4b4d-4e8f-8b66-1e6f1d2e3f03";

    private AppsTestBed? _bed;
    private BlobTestServer? _server;

    [TearDown]
    public async Task TearDown()
    {
        if (_server != null) await _server.DisposeAsync();
        if (_bed != null) await _bed.DisposeAsync();
        (_server, _bed) = (null, null);
    }

    private async Task<(BlobTestServer Server, long DiskBytes)> GuestDatastoreAsync()
    {
        var guest = await TestGuest.DirAsync();
        _server = await BlobTestServer.StartAsync();
        _server.Objects["guest/vmlinuz"] = await File.ReadAllBytesAsync(Path.Combine(guest, "vmlinuz"));
        _server.Objects["guest/initramfs.gz"] = await File.ReadAllBytesAsync(Path.Combine(guest, "initramfs.gz"));
        _server.Objects["guest/disk.qcow2"] = await File.ReadAllBytesAsync(Path.Combine(guest, "disk.qcow2"));
        return (_server, _server.Objects["guest/disk.qcow2"].Length);
    }

    private static Action<EdgeDevConfig> GuestApp(BlobTestServer server, Guid app, string name)
    {
        string Sha(string path) => Convert.ToHexStringLower(SHA256.HashData(server.Objects[path]));
        return c =>
        {
            c.Datastores.Add(AppConfigs.Datastore(DsId, DsType.DsHttp, server.BaseUri.GetLeftPart(UriPartial.Authority), "guest"));
            c.ContentInfo.Add(AppConfigs.Content(KernelCt, DsId, "vmlinuz", Sha("guest/vmlinuz"), Format.Raw, "kernel"));
            c.ContentInfo.Add(AppConfigs.Content(InitrdCt, DsId, "initramfs.gz", Sha("guest/initramfs.gz"), Format.Raw, "initrd"));
            c.ContentInfo.Add(AppConfigs.Content(DiskCt, DsId, "disk.qcow2", Sha("guest/disk.qcow2"), Format.Qcow2, "disk"));
            c.Volumes.Add(AppConfigs.DownloadVolume(KernelVol, KernelCt, Target.Kernel, name: "kernel"));
            c.Volumes.Add(AppConfigs.DownloadVolume(InitrdVol, InitrdCt, Target.Initrd, name: "initrd"));
            c.Volumes.Add(AppConfigs.DownloadVolume(DiskVol, DiskCt, Target.Disk, 32 << 20, "data"));
            c.Apps.Add(AppConfigs.App(app.ToString(), name, 256 * 1024, "console=ttyS0 quiet panic=-1 test.hold", true, KernelVol, InitrdVol, DiskVol));
        };
    }

    private static long Bytes(JsonNode? cinfo) => long.Parse(cinfo?["resources"]?["curSizeBytes"]?.ToString() ?? "0", System.Globalization.CultureInfo.InvariantCulture);
    private static int Percent(JsonNode? cinfo) => cinfo?["progressPercentage"]?.GetValue<int>() ?? 0;

    [Test]
    public async Task DownloadDroppedMidBlob_ResumesWithRange_ShowsProgressInInfo_AndTheAppRuns()
    {
        _bed = await AppsTestBed.StartAsync("SN-apps-resume");
        var bed = _bed;
        var (server, diskBytes) = await GuestDatastoreAsync();
        long holdAt = diskBytes * 55 / 100;
        server.PathFaults["guest/disk.qcow2"] = new([new ServerFault(FaultKind.Hold, holdAt)]);
        var app = Guid.NewGuid();
        await bed.SetConfigAsync(GuestApp(server, app, "resumed"));

        // Mid-blob: the datastore has sent 55 % and holds the connection. The controller sees the
        // disk's content tree downloading, with its percent and bytes.
        var mid = await Eventually.WaitAsync(async () =>
        {
            var c = await bed.InfoAsync("ZiContentTree", Guid.Parse(DiskCt), "cinfo");
            return c?["state"]?.GetValue<string>() == "DOWNLOAD_STARTED" && Percent(c) >= 40 ? c : null;
        }, "the disk's progress at about half in the controller's info", 120);
        TestContext.Out.WriteLine($"mid-blob info: {mid.ToJsonString()}");
        Assert.That(Percent(mid), Is.InRange(40, 55), "percent of the bytes the datastore has sent");
        Assert.That(Bytes(mid), Is.InRange(diskBytes * 40 / 100, holdAt), "bytes downloaded so far");

        // The datastore drops the connection; the agent resumes with a Range from where it was.
        server.Release.SetResult();
        await Eventually.WaitAsync(async () => AppsTestBed.State(await bed.AppInfoAsync(app)) == "RUNNING", "app RUNNING after the resumed download", 180);
        var disk = server.Requests.Where(r => r.Path == "guest/disk.qcow2").ToList();
        TestContext.Out.WriteLine($"disk requests: {string.Join(", ", disk.Select(r => r.Range ?? "(whole)"))}");
        Assert.That(disk[0].Range, Is.Null, "the first request asks for the whole blob");
        Assert.That(disk.Skip(1).Any(r => r.Range is { } range && range.StartsWith("bytes=", StringComparison.Ordinal)
            && long.Parse(range["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture) is > 0 and var from && from <= holdAt), Is.True,
            "a later request resumes with Range from the bytes already held");
        Assert.That(disk.Count(r => r.Range is null), Is.EqualTo(1), "never restarted from byte 0");
        var done = await bed.InfoAsync("ZiContentTree", Guid.Parse(DiskCt), "cinfo");
        Assert.That((Percent(done), Bytes(done)), Is.EqualTo((100, diskBytes)), "complete: 100 % and every byte");
        await TestGuest.WaitForSerialAsync(bed.Apps.Worker(app)!.SerialLogPath, "EVE-TEST-MARKER", TimeSpan.FromSeconds(120));
    }

    [Test]
    public async Task ImageBiggerThanTheFreeDisk_IsRefusedBeforeItsBytesAreFetched_WithTheReasonInInfo()
    {
        _bed = await AppsTestBed.StartAsync("SN-apps-nospace");
        var bed = _bed;
        _server = await BlobTestServer.StartAsync();
        var server = _server;
        long free = FileSystemSpace.Of(bed.AppsDir).FreeBytes;
        // The datastore announces an image twice the size of the free disk (and holds no such bytes).
        server.Objects["big/huge.img"] = [1, 2, 3];
        server.DeclaredLengths["big/huge.img"] = free * 2;
        var app = Guid.NewGuid();
        const string ct = "4e1b1a8e-3a3c-4d7e-9a55-0d5f0c1d2e09", vol = "4f2c2b9f-4b4d-4e8f-8b66-1e6f1d2e3f09";
        await bed.SetConfigAsync(c =>
        {
            c.Datastores.Add(AppConfigs.Datastore(DsId, DsType.DsHttp, server.BaseUri.GetLeftPart(UriPartial.Authority), "big"));
            c.ContentInfo.Add(AppConfigs.Content(ct, DsId, "huge.img", new string('a', 64), Format.Raw, "huge-image"));
            c.Volumes.Add(AppConfigs.DownloadVolume(vol, ct, Target.Disk));
            c.Apps.Add(AppConfigs.App(app.ToString(), "too-big", 256 * 1024, "", true, vol));
        });

        var error = await Eventually.WaitAsync(async () =>
            (await bed.AppInfoAsync(app))?["appErr"]?[0]?["description"]?.GetValue<string>() is { } e && e.Contains("free", StringComparison.Ordinal) ? e : null,
            "the app's error about free space", 120);
        TestContext.Out.WriteLine(error);
        Assert.That(error, Does.Contain("huge-image").And.Contain("not downloading it").And.Contain("MiB"));
        var cinfo = await bed.InfoAsync("ZiContentTree", Guid.Parse(ct), "cinfo");
        Assert.That(cinfo?["err"]?["description"]?.GetValue<string>(), Does.Contain("free"), "the content tree says why too");
        Assert.That(server.BytesSent, Is.Zero, "no body byte was fetched");
        var partial = Path.Combine(bed.AppsDir, "content", "partial", new string('a', 64));
        Assert.That(File.Exists(partial) ? new FileInfo(partial).Length : 0, Is.Zero, "nothing written to disk");
        Assert.That(bed.Apps.Worker(app)?.Vm, Is.Null);
    }

    [Test]
    public async Task MaintenanceModeFromTheController_HaltsTheRunningApp_SaysWhyInInfo_AndEndingItStartsTheAppAgain()
    {
        _bed = await AppsTestBed.StartAsync("SN-apps-maint");
        var bed = _bed;
        var (server, _) = await GuestDatastoreAsync();
        var app = Guid.NewGuid();
        await bed.SetConfigAsync(GuestApp(server, app, "maint"));
        await Eventually.WaitAsync(async () => AppsTestBed.State(await bed.AppInfoAsync(app)) == "RUNNING", "app RUNNING", 180);
        var pid = bed.Apps.Worker(app)!.Vm!.Pid;

        await bed.SetConfigAsync(c => c.MaintenanceMode = true);
        await Eventually.WaitAsync(async () => AppsTestBed.State(await bed.AppInfoAsync(app)) == "HALTED" && bed.Apps.Worker(app)?.Vm is null,
            "app HALTED in maintenance mode", 120);
        Assert.That(ProcStat.TryRead(pid) is { IsGone: false }, Is.False, "its QEMU is gone");
        var dinfo = await Eventually.WaitAsync(async () => await DeviceInfoAsync(bed) is { } d && d["maintenanceMode"]?.GetValue<bool>() == true ? d : null,
            "device info in maintenance mode");
        Assert.That(dinfo["maintenanceModeReasons"]!.AsArray().Select(r => r!.GetValue<string>()), Is.EqualTo(new[] { "MAINTENANCE_MODE_REASON_USER_REQUESTED" }));
        Assert.That(dinfo["state"]?.GetValue<string>(), Is.EqualTo("ZDEVICE_STATE_MAINTENANCE_MODE"));
        Assert.That(bed.Maintenance.Describe(), Does.Contain("maintenance_mode"));

        await bed.SetConfigAsync(c => c.MaintenanceMode = false);
        await Eventually.WaitAsync(async () => AppsTestBed.State(await bed.AppInfoAsync(app)) == "RUNNING", "app RUNNING after maintenance mode", 180);
        await Eventually.WaitAsync(async () => await DeviceInfoAsync(bed) is { } d && d["maintenanceMode"]?.GetValue<bool>() != true,
            "device info out of maintenance mode");
    }

    private static async Task<JsonNode?> DeviceInfoAsync(AppsTestBed bed)
    {
        using var admin = new Eve.Appliance.Cli.AdminClient(bed.Controller.DataDir);
        var all = (await admin.GetAsync($"admin/devices/{bed.DeviceId}/info"))!.AsArray();
        return all.LastOrDefault(i => i!["kind"]!.GetValue<string>() == "ZiDevice")?["message"]?["dinfo"];
    }
}
