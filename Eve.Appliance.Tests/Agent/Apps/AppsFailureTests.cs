using System.Security.Cryptography;
using Eve.Appliance.Tests.Platform.Qemu;
using Eve.Appliance.Tests.Support;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Tests.Agent.Apps;

/// <summary>Failure paths that need no VM boot, combined in one config: a hash mismatch, an app
/// too big for the host's memory, and a datastore that is unreachable and then comes back.</summary>
[TestFixture]
public sealed class AppsFailureTests
{
    private AppsTestBed? _bed;
    private StaticDatastore? _datastore;
    private TempDir? _files;

    [TearDown]
    public async Task TearDown()
    {
        if (_datastore != null) await _datastore.DisposeAsync();
        if (_bed != null) await _bed.DisposeAsync();
        _files?.Dispose();
    }

    [Test]
    public async Task HashMismatch_NotEnoughMemory_AndUnreachableDatastore_AreReportedInInfo_AndTheDatastoreComingBackRecovers()
    {
        _bed = await AppsTestBed.StartAsync("SN-apps-fail");
        var bed = _bed;
        var guest = await TestGuest.DirAsync();
        _files = new TempDir("evads");
        var blob = RandomNumberGenerator.GetBytes(256 * 1024);
        File.WriteAllBytes(_files.Sub("blank.raw"), blob);
        var blobSha = Convert.ToHexStringLower(SHA256.HashData(blob));
        var port = StaticDatastore.FreePort();

        var kernel = await bed.AddImageAsync(Path.Combine(guest, "vmlinuz"));
        var kernelSha = kernel["sha256"]!.GetValue<string>();
        var ds = kernel["datastore"]!;
        var hugeApp = Guid.NewGuid();
        var badHashApp = Guid.NewGuid();
        var offlineApp = Guid.NewGuid();
        var wrongSha = new string('0', 64);
        string V(int i) => $"1c2d3e4f-0000-4000-8000-00000000000{i}";
        string C(int i) => $"2c2d3e4f-0000-4000-8000-00000000000{i}";
        await bed.SetConfigAsync(c =>
        {
            c.Datastores.Add(AppConfigs.Datastore("3c2d3e4f-0000-4000-8000-000000000001", DsType.DsHttps, ds["fqdn"]!.GetValue<string>(), ds["dpath"]!.GetValue<string>()));
            c.Datastores.Add(AppConfigs.Datastore("3c2d3e4f-0000-4000-8000-000000000002", DsType.DsHttp, $"127.0.0.1:{port}", "files"));
            c.ContentInfo.Add(AppConfigs.Content(C(1), "3c2d3e4f-0000-4000-8000-000000000001", kernelSha, kernelSha, Format.Raw, "kernel"));
            c.ContentInfo.Add(AppConfigs.Content(C(2), "3c2d3e4f-0000-4000-8000-000000000001", kernelSha, wrongSha, Format.Raw, "kernel-with-wrong-hash"));
            c.ContentInfo.Add(AppConfigs.Content(C(3), "3c2d3e4f-0000-4000-8000-000000000002", "blank.raw", blobSha, Format.Raw, "offline-disk"));
            c.Volumes.Add(AppConfigs.DownloadVolume(V(1), C(1), Target.Kernel));
            c.Volumes.Add(AppConfigs.DownloadVolume(V(2), C(2), Target.Kernel));
            c.Volumes.Add(AppConfigs.DownloadVolume(V(3), C(3), Target.Disk, 1 << 20));
            // 1 TiB of guest memory fits on no build machine.
            c.Apps.Add(AppConfigs.App(hugeApp.ToString(), "huge", 1u << 30, "console=ttyS0", true, V(1)));
            c.Apps.Add(AppConfigs.App(badHashApp.ToString(), "bad-hash", 256 * 1024, "console=ttyS0", true, V(2)));
            c.Apps.Add(AppConfigs.App(offlineApp.ToString(), "offline", 256 * 1024, "", false, V(3)));
        });

        var huge = await WaitErrorAsync(bed, hugeApp, "needs");
        Assert.That(huge, Does.Contain("MiB").And.Contain("available"), huge);
        var badHash = await WaitErrorAsync(bed, badHashApp, "sha256");
        Assert.That(badHash, Does.Contain("kernel-with-wrong-hash"), badHash);
        var offline = await WaitErrorAsync(bed, offlineApp, $"127.0.0.1:{port}");
        Assert.That(bed.Apps.Worker(hugeApp)?.Vm, Is.Null, "a refused app has no QEMU");
        Assert.That(Directory.GetFiles(Path.Combine(bed.AppsDir, "content", "blobs", "sha256")), Does.Not.Contain(Path.Combine(bed.AppsDir, "content", "blobs", "sha256", wrongSha)));
        TestContext.Out.WriteLine($"huge: {huge}\nbad hash: {badHash}\noffline: {offline}");

        // The datastore comes up: the retry downloads, verifies and makes the volume; the app is
        // not activated, so it ends HALTED with no error.
        _datastore = await StaticDatastore.StartAsync(_files.Path, port);
        await Eventually.WaitAsync(async () =>
        {
            var a = await bed.AppInfoAsync(offlineApp);
            return AppsTestBed.State(a) == "HALTED" && a?["appErr"] is null;
        }, "offline app recovers to HALTED", 90);
        Assert.That(File.Exists(Path.Combine(bed.AppsDir, "content", "blobs", "sha256", blobSha)), Is.True);
        Assert.That(Directory.GetFiles(Path.Combine(bed.AppsDir, "volumes")).Any(f => f.Contains(V(3))), Is.True);
    }

    private static async Task<string> WaitErrorAsync(AppsTestBed bed, Guid app, string contains)
    {
        var info = await Eventually.WaitAsync(async () =>
        {
            var a = await bed.AppInfoAsync(app);
            return AppsTestBed.State(a) == "ERROR" && a?["appErr"]?[0]?["description"]?.GetValue<string>().Contains(contains) == true ? a : null;
        }, $"app {app} in ERROR mentioning '{contains}'", 90);
        return info["appErr"]![0]!["description"]!.GetValue<string>();
    }
}
