using System.Globalization;
using System.Text.RegularExpressions;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.SystemTests;

/// <summary>The hardware watchdog path, on QEMU's i6300esb (its expiry resets the machine): the
/// image loads the driver, the appliance opens /dev/watchdog, sets its timeout and pets it. A
/// healthy appliance keeps it quiet well past its timeout; an appliance that hangs during an
/// update's trial boot stops petting, the board resets, the try the boot stage already spent
/// makes it boot the previous version, and the device reports the fallback and the watchdog.</summary>
[TestFixture]
[Category("System")]
public sealed class ApplianceWatchdogTests
{
    private static readonly Regex Armed = new(@"hardware watchdog /dev/watchdog: timeout (\d+) s", RegexOptions.CultureInvariant);

    [Test]
    public async Task HealthyAppliance_PetsHardwareWatchdog_NoResetPastItsTimeout()
    {
        var image = ApplianceImage.Dir();
        using var tmp = new TempDir("appliance-watchdog");
        await using var vm = await ApplianceVm.CreateAsync(tmp.Sub("vm"), image);
        try
        {
            await vm.StartAsync(image);
            var at = await vm.WaitForConsoleAsync("EVE-APPLIANCE: hardware watchdog /dev/watchdog: eve-appliance pets it", TimeSpan.FromMinutes(5));
            at = await vm.WaitForConsoleAsync("hardware watchdog /dev/watchdog: timeout", TimeSpan.FromMinutes(25), at);
            var timeout = int.Parse(Armed.Match(vm.Console).Groups[1].Value, CultureInfo.InvariantCulture);
            // i6300esb resets at the end of its second stage, at most twice the timeout after the last pet.
            var window = TimeSpan.FromSeconds(3 * timeout + 10);
            var watched = global::System.Diagnostics.Stopwatch.StartNew();
            while (watched.Elapsed < window && vm.IsRunning && !vm.Console[at..].Contains("EVE-BOOT:", StringComparison.Ordinal))
                await Task.Delay(1000);
            Assert.That(vm.IsRunning, Is.True);
            Assert.That(vm.Boots, Is.EqualTo(1), $"one boot since power-on: no reset, also none in the {window.TotalSeconds:0} s watched with a {timeout} s watchdog timeout");
            Assert.That(vm.Console, Does.Not.Contain("eve-appliance exited"));
            TestContext.Out.WriteLine($"watchdog armed with {timeout} s at {vm.SinceStart.Elapsed.TotalSeconds - watched.Elapsed.TotalSeconds:0} s after power-on; no reset for {watched.Elapsed.TotalSeconds:0} s");
        }
        catch
        {
            TestContext.Out.WriteLine(ApplianceVm.Tail(vm.Console, 8000));
            throw;
        }
    }

    [Test]
    public async Task UpdateThatHangs_WatchdogResets_BootsPreviousVersion_ReportsWhy()
    {
        var image = ApplianceImage.Dir();
        using var tmp = new TempDir("appliance-hang");
        await using var bed = await UpdateBed.CreateAsync(image, tmp.Path);
        var v2 = await DerivedRootfs.MakeAsync(image, tmp.Sub("v2"), "2", ApplianceFault.HangsAfterArmingWatchdog);
        await bed.ServeAsync(v2);
        var vm = bed.Vm;
        try
        {
            var at = await bed.PowerOnAndOnboardAsync();
            var cycle = global::System.Diagnostics.Stopwatch.StartNew();
            await bed.SetBaseOsAsync(v2, "2");
            at = await vm.WaitForConsoleAsync("EVE-BOOT: gptprio on /dev/vda chose IMGB (partition 3), state 0013 -> 0003", TimeSpan.FromMinutes(15), at);
            at = await vm.WaitForConsoleAsync("version 2 hangs on purpose", TimeSpan.FromMinutes(25), at);
            var hung = cycle.Elapsed;
            // 30 s when the appliance had set its timeout before it froze, up to the driver's 300 s when not.
            at = await vm.WaitForConsoleAsync("EVE-BOOT: gptprio on /dev/vda chose IMGA (partition 2), state 0102 -> 0102", TimeSpan.FromMinutes(15), at);
            var reset = cycle.Elapsed;
            var report = await Eventually.WaitAsync(async () =>
            {
                var latest = await bed.LatestDeviceInfoAsync();
                return latest.Contains("fell back", StringComparison.Ordinal) ? latest : null;
            }, () => "the device to report the fallback; console tail:\n" + ApplianceVm.Tail(vm.Console), 1200);
            var reported = cycle.Elapsed;

            Assert.That(vm.Console, Does.Not.Contain("eve-appliance cannot stay up"), "only the watchdog could reboot a hung appliance");
            Assert.That(report, Does.Contain("update to 2 in IMGB failed"), "the failed version and partition, in words");
            Assert.That(report, Does.Contain("hardware watchdog reset the board"), "the last reboot reason: the watchdog");
            await bed.WaitSwAsync("IMGA", "active", "1");
            TestContext.Out.WriteLine($"TCG: update to 2 set at 0 s; hung at {hung.TotalSeconds:0} s; watchdog reset, IMGA booted at {reset.TotalSeconds:0} s " +
                $"({(reset - hung).TotalSeconds:0} s after the hang); fallback reported at {reported.TotalSeconds:0} s");
        }
        catch
        {
            TestContext.Out.WriteLine(ApplianceVm.Tail(vm.Console, 12000));
            throw;
        }
    }
}
