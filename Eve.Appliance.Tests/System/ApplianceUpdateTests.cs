using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.SystemTests;

/// <summary>The A/B promise on a machine that really reboots (<see cref="UpdateBed"/>). Version 2 is
/// served from an HTTP datastore on the host: the VM writes IMGB, reboots, the boot stage spends
/// IMGB's try, the appliance commits after its test window and the controller sees IMGB active with
/// 2. Then version 3, whose appliance cannot start, is written to IMGA: the VM boots it, rootfs/init
/// gives up after three failed starts and reboots, the spent try makes the boot stage take IMGB (2)
/// again, and the device reports the fallback with the failed version.</summary>
[TestFixture]
[Category("System")]
public sealed class ApplianceUpdateTests
{
    [Test]
    public async Task UpdateToV2_CommitsAfterRealReboot_ThenBrokenV3_FallsBackToV2()
    {
        var image = ApplianceImage.Dir();
        using var tmp = new TempDir("appliance-update");
        await using var bed = await UpdateBed.CreateAsync(image, tmp.Path);
        var v2 = await DerivedRootfs.MakeAsync(image, tmp.Sub("v2"), "2");
        var v3 = await DerivedRootfs.MakeAsync(image, tmp.Sub("v3"), "3", ApplianceFault.ExitsAtOnce);
        await bed.ServeAsync(v2);
        await bed.ServeAsync(v3);
        var vm = bed.Vm;
        try
        {
            var cycle = global::System.Diagnostics.Stopwatch.StartNew();
            var at = await bed.PowerOnAndOnboardAsync();
            var onboarded = vm.SinceStart.Elapsed;

            await bed.SetBaseOsAsync(v2, "2");
            at = await vm.WaitForConsoleAsync("EVE-BOOT: gptprio on /dev/vda chose IMGB (partition 3), state 0013 -> 0003", TimeSpan.FromMinutes(15), at);
            at = await vm.WaitForConsoleAsync("EVE-APPLIANCE: booted IMGB on /dev/vda, version 2", TimeSpan.FromMinutes(3), at);
            await bed.WaitSwAsync("IMGB", "active", "2");
            var committed = cycle.Elapsed;

            await bed.SetBaseOsAsync(v3, "3");
            at = await vm.WaitForConsoleAsync("EVE-BOOT: gptprio on /dev/vda chose IMGA (partition 2), state 0013 -> 0003", TimeSpan.FromMinutes(15), at);
            at = await vm.WaitForConsoleAsync("eve-appliance cannot stay up; rebooting", TimeSpan.FromMinutes(5), at);
            at = await vm.WaitForConsoleAsync("EVE-BOOT: gptprio on /dev/vda chose IMGB (partition 3), state 0102 -> 0102", TimeSpan.FromMinutes(3), at);
            var report = await Eventually.WaitAsync(async () =>
            {
                var latest = await bed.LatestDeviceInfoAsync();
                return latest.Contains("fell back", StringComparison.Ordinal) ? latest : null;
            }, () => "the device to report the fallback; console tail:\n" + ApplianceVm.Tail(vm.Console), 1200);
            var fellBack = cycle.Elapsed;
            Assert.That(report, Does.Contain("update to 3 in IMGA failed"), "the failed version and partition, in words");
            await bed.WaitSwAsync("IMGB", "active", "2");
            TestContext.Out.WriteLine($"TCG: onboarded {onboarded.TotalSeconds:0} s after power-on; update to 2 committed at {committed.TotalSeconds:0} s; " +
                $"fallback from 3 reported at {fellBack.TotalSeconds:0} s (test window {UpdateBed.TestWindowSeconds} s)");
        }
        catch
        {
            TestContext.Out.WriteLine(ApplianceVm.Tail(vm.Console, 12000));
            throw;
        }
    }
}
