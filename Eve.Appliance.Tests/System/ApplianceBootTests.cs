using System.Net;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.SystemTests;

/// <summary>The image boots in QEMU (TCG) as a PC would: OVMF (UEFI) starts the EFI partition's own
/// loader, which loads the kernel and the boot stage; the boot stage picks IMGA by gptprio, the
/// appliance comes up, its embedded controller answers on the forwarded port and its own device
/// onboards to it; the console says so.</summary>
[TestFixture]
[Category("System")]
public sealed class ApplianceBootTests
{
    [TestCase(true, TestName = "Boot_ThroughUefi_ApplianceComesUp_EmbeddedControllerAnswers_DeviceOnboards")]
    [TestCase(false, TestName = "Boot_DirectKernel_ApplianceComesUp_EmbeddedControllerAnswers_DeviceOnboards")]
    public async Task Boot_ApplianceComesUp_EmbeddedControllerAnswers_DeviceOnboards(bool uefi)
    {
        var image = ApplianceImage.Dir();
        using var tmp = new TempDir("appliance-boot");
        await using var vm = await ApplianceVm.CreateAsync(tmp.Sub("vm"), image);
        try
        {
            await vm.StartAsync(image, uefi: uefi);
            if (uefi) await vm.WaitForConsoleAsync("BdsDxe: starting", TimeSpan.FromMinutes(6)); // OVMF starts the disk's own loader
            var at = await vm.WaitForConsoleAsync("EVE-BOOT: gptprio on /dev/vda chose IMGA (partition 2), state 0102 -> 0102", TimeSpan.FromMinutes(6));
            var booted = vm.SinceStart.Elapsed;
            at = await vm.WaitForConsoleAsync("EVE-APPLIANCE: booted IMGA on /dev/vda, version 1", TimeSpan.FromMinutes(3), at);
            await vm.WaitForConsoleAsync("EVE-APPLIANCE: starting eve-appliance run", TimeSpan.FromMinutes(3), at);

            using var http = new HttpClient(new HttpClientHandler
            {
                // The controller's CA lives inside the VM; what is proven here is that it answers
                // HTTPS on the forwarded port. Its TLS identity is tested in the controller's suite.
                ServerCertificateCustomValidationCallback = (_, _, _, _) => true,
            }) { Timeout = TimeSpan.FromSeconds(20) };
            var status = await Eventually.WaitAsync(async () =>
            {
                using var r = await http.GetAsync($"https://127.0.0.1:{vm.ForwardedPort}/probe");
                return r.StatusCode == HttpStatusCode.OK ? (object)r.StatusCode : null;
            }, () => $"the embedded controller answering on 127.0.0.1:{vm.ForwardedPort}; console tail:\n{ApplianceVm.Tail(vm.Console)}", 1800);
            var answered = vm.SinceStart.Elapsed;

            await vm.WaitForConsoleAsync(" onboarded", TimeSpan.FromMinutes(20), at);
            var onboarded = vm.SinceStart.Elapsed;
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(vm.Console, Does.Not.Contain("eve-appliance exited"), "the appliance ran without restarting");
            Assert.That(vm.Boots, Is.EqualTo(1), "the machine booted once (no watchdog or panic reset)");
            TestContext.Out.WriteLine($"TCG ({(uefi ? "OVMF + systemd-boot" : "-kernel")}): boot stage chose IMGA at {booted.TotalSeconds:0.0} s, controller answered at {answered.TotalSeconds:0.0} s, device onboarded at {onboarded.TotalSeconds:0.0} s");
        }
        catch
        {
            TestContext.Out.WriteLine(ApplianceVm.Tail(vm.Console, 8000));
            throw;
        }
    }
}
