using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Eve.Appliance.Cli;
using Eve.Appliance.Platform.Processes;
using Eve.Appliance.Provisioning;
using Eve.Appliance.Tests.Agent.Content;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.SystemTests;

/// <summary>The A/B promise on a machine that really reboots. A controller on the host (reached from
/// the VM as 10.0.2.2 through QEMU's user network) is given to the device by a provisioning stick
/// (`provision usb`, attached as a second disk, ingested once at boot). Version 2 is served from an
/// HTTP datastore on the host: the VM writes IMGB, reboots, the boot stage spends IMGB's try, the
/// appliance commits after its test window and the controller sees IMGB active with 2. Then version
/// 3, whose appliance cannot start, is written to IMGA: the VM boots it, rootfs/init gives up after
/// three failed starts and reboots, the spent try makes the boot stage take IMGB (2) again, and the
/// device reports the fallback with the failed version.</summary>
[TestFixture]
[Category("System")]
public sealed class ApplianceUpdateTests
{
    private const int TestWindowSeconds = 30;

    [Test]
    public async Task UpdateToV2_CommitsAfterRealReboot_ThenBrokenV3_FallsBackToV2()
    {
        var image = ApplianceImage.Dir();
        using var tmp = new TempDir("appliance-update");
        var v2 = await DeriveRootfsAsync(image, tmp.Sub("v2"), "2", broken: false);
        var v3 = await DeriveRootfsAsync(image, tmp.Sub("v3"), "3", broken: true);
        await using var datastore = await BlobTestServer.StartAsync();
        datastore.Objects["images/rootfs-2.img"] = await File.ReadAllBytesAsync(v2);
        datastore.Objects["images/rootfs-3.img"] = await File.ReadAllBytesAsync(v3);
        await using var controller = await RunningController.StartAsync(tmp.Sub("controller"), o => o with { ServerName = "10.0.2.2" });

        var bundle = new ProvisionBundle();
        bundle.AddControllerBootstrap(controller.BootstrapDir);
        bundle.AddConfigText("server", $"10.0.2.2:{controller.Uri.Port}\n");
        await new UsbStickWriter(ProcessRunner.Default).WriteAsync(bundle, tmp.Sub("stick.img"));

        await using var vm = await ApplianceVm.CreateAsync(tmp.Sub("vm"), image);
        try
        {
            var cycle = global::System.Diagnostics.Stopwatch.StartNew();
            await vm.StartAsync(image, usbImage: tmp.Sub("stick.img"));
            var at = await vm.WaitForConsoleAsync("EVE-APPLIANCE: ingested provisioning stick", TimeSpan.FromMinutes(10));
            using var admin = new AdminClient(controller.DataDir);
            var id = await Eventually.WaitAsync(async () =>
                (await admin.GetAsync("admin/devices"))!.AsArray().Select(d => d!["id"]!.GetValue<string>()).FirstOrDefault(),
                () => "the VM's device onboarding to the host controller; console tail:\n" + ApplianceVm.Tail(vm.Console), 900);
            var onboarded = vm.SinceStart.Elapsed;

            await SetBaseOsAsync(admin, id, datastore, "rootfs-2.img", v2, "2");
            at = await vm.WaitForConsoleAsync("EVE-BOOT: gptprio on /dev/vda chose IMGB (partition 3), state 0013 -> 0003", TimeSpan.FromMinutes(15), at);
            at = await vm.WaitForConsoleAsync("EVE-APPLIANCE: booted IMGB on /dev/vda, version 2", TimeSpan.FromMinutes(3), at);
            await WaitSwAsync(admin, id, "IMGB", "active", "2", vm);
            var committed = cycle.Elapsed;

            await SetBaseOsAsync(admin, id, datastore, "rootfs-3.img", v3, "3");
            at = await vm.WaitForConsoleAsync("EVE-BOOT: gptprio on /dev/vda chose IMGA (partition 2), state 0013 -> 0003", TimeSpan.FromMinutes(15), at);
            at = await vm.WaitForConsoleAsync("eve-appliance cannot stay up; rebooting", TimeSpan.FromMinutes(5), at);
            at = await vm.WaitForConsoleAsync("EVE-BOOT: gptprio on /dev/vda chose IMGB (partition 3), state 0102 -> 0102", TimeSpan.FromMinutes(3), at);
            var report = await Eventually.WaitAsync(async () =>
            {
                var latest = await LatestDeviceInfoAsync(admin, id);
                return latest.Contains("fell back", StringComparison.Ordinal) ? latest : null;
            }, () => "the device to report the fallback; console tail:\n" + ApplianceVm.Tail(vm.Console), 1200);
            var fellBack = cycle.Elapsed;
            Assert.That(report, Does.Contain("update to 3 in IMGA failed"), "the failed version and partition, in words");
            await WaitSwAsync(admin, id, "IMGB", "active", "2", vm);
            TestContext.Out.WriteLine($"TCG: onboarded {onboarded.TotalSeconds:0} s after power-on; update to 2 committed at {committed.TotalSeconds:0} s; " +
                $"fallback from 3 reported at {fellBack.TotalSeconds:0} s (test window {TestWindowSeconds} s)");
        }
        catch
        {
            TestContext.Out.WriteLine(ApplianceVm.Tail(vm.Console, 12000));
            throw;
        }
    }

    /// <summary>A new version of the image's root: the same files with another /etc/eve-release (and,
    /// when broken, an eve-appliance that exits at once).</summary>
    internal static async Task<string> DeriveRootfsAsync(string imageDir, string dir, string version, bool broken)
    {
        Directory.CreateDirectory(dir);
        var root = Path.Combine(dir, "root");
        await ProcessRunner.Default.RunAsync("unsquashfs", ["-q", "-n", "-d", root, Path.Combine(imageDir, "rootfs.sqfs")], TimeSpan.FromMinutes(5));
        await File.WriteAllTextAsync(Path.Combine(root, "etc", "eve-release"), version + "\n");
        if (broken)
        {
            var bin = Path.Combine(root, "usr", "bin", "eve-appliance");
            File.Delete(bin);
            await File.WriteAllTextAsync(bin, "#!/bin/sh\necho \"eve-appliance: version " + version + " is broken on purpose\" >&2\nexit 70\n");
            File.SetUnixFileMode(bin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute | UnixFileMode.OtherRead);
        }
        var sqfs = Path.Combine(dir, $"rootfs-{version}.img");
        await ProcessRunner.Default.RunAsync("mksquashfs", [root, sqfs, "-noappend", "-quiet", "-no-progress", "-comp", "gzip", "-all-root"], TimeSpan.FromMinutes(10));
        Directory.Delete(root, recursive: true);
        return sqfs;
    }

    private static async Task SetBaseOsAsync(AdminClient admin, string id, BlobTestServer datastore, string file, string path, string version)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(path)));
        var config = (await admin.GetAsync($"admin/devices/{id}/config"))!["config"]!.AsObject();
        var tree = Guid.NewGuid().ToString();
        var ds = Guid.NewGuid().ToString();
        config["datastores"] = new JsonArray(new JsonObject
        {
            ["id"] = ds, ["dType"] = "DsHttp", ["fqdn"] = $"http://10.0.2.2:{datastore.BaseUri.Port}", ["dpath"] = "images",
        });
        config["contentInfo"] = new JsonArray(new JsonObject
        {
            ["uuid"] = tree, ["dsId"] = ds, ["URL"] = file, ["sha256"] = sha, ["displayName"] = "eve-" + version,
        });
        config["baseos"] = new JsonObject { ["contentTreeUuid"] = tree, ["baseOsVersion"] = version, ["activate"] = true };
        var items = config["configItems"] as JsonArray ?? [];
        foreach (var stale in items.Where(i => i!["key"]!.GetValue<string>() == "timer.test.baseimage.update").ToList()) items.Remove(stale);
        items.Add(new JsonObject { ["key"] = "timer.test.baseimage.update", ["value"] = TestWindowSeconds.ToString(global::System.Globalization.CultureInfo.InvariantCulture) });
        config["configItems"] = items;
        await admin.PutTextAsync($"admin/devices/{id}/config", config.ToJsonString());
    }

    private static async Task<string> LatestDeviceInfoAsync(AdminClient admin, string id)
    {
        var infos = (await admin.GetAsync($"admin/devices/{id}/info") as JsonArray)!;
        return infos.LastOrDefault(i => i!["kind"]!.GetValue<string>() == "ZiDevice")?.ToJsonString() ?? "";
    }

    private static Task WaitSwAsync(AdminClient admin, string id, string partition, string state, string version, ApplianceVm vm) =>
        Eventually.WaitAsync(async () =>
        {
            var infos = (await admin.GetAsync($"admin/devices/{id}/info") as JsonArray)!;
            var latest = infos.LastOrDefault(i => i!["kind"]!.GetValue<string>() == "ZiDevice");
            return latest?["message"]?["dinfo"]?["swList"] is JsonArray sw && sw.Any(s =>
                s!["partitionLabel"]?.GetValue<string>() == partition && s["partitionState"]?.GetValue<string>() == state &&
                s["shortVersion"]?.GetValue<string>() == version) ? latest : null;
        }, () => $"the controller to see {partition} {state} with version {version}; console tail:\n{ApplianceVm.Tail(vm.Console)}", 1200);
}
