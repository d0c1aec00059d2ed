using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.SystemTests;

/// <summary>A power cut while the appliance writes the new version into IMGB (<see cref="UpdateBed"/>).
/// The guest's disk writes are throttled so the write lasts long enough to be cut in the middle —
/// proven by the overlay having grown while the appliance had not yet logged the write as done. QMP
/// `quit` stops the machine between two instructions. On the next power-on the boot stage finds
/// IMGB without tries and boots IMGA (version 1), the device reports version 1 active and the
/// power loss as the last reboot reason, and — the controller still asking for version 2 — the
/// update is written again, booted and committed.</summary>
[TestFixture]
[Category("System")]
public sealed class AppliancePowerCutTests
{
    // Slow enough to cut the write in the middle, fast enough that the write (after the download's
    // dirty pages) stays under the base-OS part's 60 s heartbeat limit: at 4 MiB/s the software
    // watchdog found "baseos silent for 63 s" and stopped petting, and the i6300esb reset the VM
    // before the test could cut the power (the base-OS writer does not heartbeat while it writes).
    private const long ThrottledBytesPerSecond = 12L << 20;

    [Test]
    public async Task PowerCutWhileWritingImgb_NextBootRunsOldVersion_UpdateRetriedAndCommitted()
    {
        var image = ApplianceImage.Dir();
        using var tmp = new TempDir("appliance-powercut");
        await using var bed = await UpdateBed.CreateAsync(image, tmp.Path);
        var v2 = await DerivedRootfs.MakeAsync(image, tmp.Sub("v2"), "2");
        await bed.ServeAsync(v2);
        var vm = bed.Vm;
        try
        {
            var at = await bed.PowerOnAndOnboardAsync();
            await vm.ThrottleDiskWritesAsync(ThrottledBytesPerSecond);
            await bed.SetBaseOsAsync(v2, "2");
            at = await vm.WaitForConsoleAsync("base-OS: writing eve-2", TimeSpan.FromMinutes(15), at);
            var overlay = new FileInfo(vm.Disk).Length;
            await Eventually.WaitAsync(() => { var f = new FileInfo(vm.Disk); f.Refresh(); return f.Length > overlay + (8L << 20); },
                () => $"IMGB's write to reach the disk (overlay {overlay} B); console tail:\n{ApplianceVm.Tail(vm.Console)}", 600);
            var beforeCut = vm.Console[at..];
            await vm.PowerCutAsync();
            Assert.That(beforeCut, Does.Not.Contain("wrote 2 ("), "the power was cut before the appliance finished writing IMGB");

            var recovery = global::System.Diagnostics.Stopwatch.StartNew();
            await vm.StartAsync(image, usbImage: bed.Stick);
            at = await vm.WaitForConsoleAsync("EVE-BOOT: gptprio on /dev/vda chose IMGA (partition 2), state 0102 -> 0102", TimeSpan.FromMinutes(5));
            at = await vm.WaitForConsoleAsync("EVE-APPLIANCE: booted IMGA on /dev/vda, version 1", TimeSpan.FromMinutes(3), at);
            var reported = await Eventually.WaitAsync(async () => (await bed.DeviceInfosAsync()).FirstOrDefault(i =>
                UpdateBed.Shows(i, "IMGA", "active", "1") && i.ToJsonString().Contains("power loss", StringComparison.Ordinal)),
                () => "the device to report version 1 active after a power loss; console tail:\n" + ApplianceVm.Tail(vm.Console), 1200);
            var recovered = recovery.Elapsed;

            at = await vm.WaitForConsoleAsync("EVE-BOOT: gptprio on /dev/vda chose IMGB (partition 3), state 0013 -> 0003", TimeSpan.FromMinutes(15), at);
            await vm.WaitForConsoleAsync("EVE-APPLIANCE: booted IMGB on /dev/vda, version 2", TimeSpan.FromMinutes(3), at);
            await bed.WaitSwAsync("IMGB", "active", "2");
            var retried = recovery.Elapsed;
            Assert.That(reported.ToJsonString(), Does.Contain("power loss"));
            TestContext.Out.WriteLine($"TCG: after the power cut, version 1 reported active with the power loss {recovered.TotalSeconds:0} s after power-on; " +
                $"the retried update to 2 committed at {retried.TotalSeconds:0} s");
        }
        catch
        {
            TestContext.Out.WriteLine(ApplianceVm.Tail(vm.Console, 12000));
            throw;
        }
    }
}
