using System.Net;
using Eve.Appliance.Cli;
using Eve.Appliance.Tests.Support;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Tests.Controller;

/// <summary>kill -9 of the real controller process while devices post: nothing acknowledged is lost.</summary>
[TestFixture]
public sealed class ControllerCrashTests
{
    [Test]
    public async Task Kill9_WhileDevicesPostInfo_KeepsEveryDeviceAndItsLastAcknowledgedInfo()
    {
        using var dir = new TempDir("crash");
        var data = dir.Sub("data");
        var port = ApplianceProcess.FreePort();
        var uri = new Uri($"https://127.0.0.1:{port}/");
        var acknowledged = new Dictionary<string, uint>();
        var devices = new List<TestDevice>();
        try
        {
            using (var first = ApplianceProcess.Start("controller", "--data-dir", data, "--listen", $"127.0.0.1:{port}"))
            {
                await Eventually.WaitAsync(() => File.Exists(Path.Combine(data, "run", "admin.sock")), "controller up: " + first.Output);
                for (var i = 0; i < 8; i++)
                {
                    var d = new TestDevice(uri, Path.Combine(data, "bootstrap"), $"SN-crash-{i}");
                    await d.OnboardAsync();
                    devices.Add(d);
                }
                // Post info in parallel from every device; kill -9 while they are at it.
                using var stop = new CancellationTokenSource();
                var posters = devices.Select(d => Task.Run(async () =>
                {
                    for (uint n = 1; !stop.IsCancellationRequested; n++)
                    {
                        var msg = new ZInfoMsg { Ztype = ZInfoTypes.ZiDevice, DevId = d.Id, Dinfo = new ZInfoDevice { Ncpu = n } };
                        try
                        {
                            var r = await d.PostAsync($"/api/v2/edgedevice/id/{d.Id}/info", d.Envelope(msg));
                            if (r.Status == HttpStatusCode.Created) lock (acknowledged) acknowledged[d.Id!] = n;
                        }
                        catch (HttpRequestException) { return; }
                    }
                })).ToList();
                await Eventually.WaitAsync(() => { lock (acknowledged) return acknowledged.Count == devices.Count && acknowledged.Values.Min() > 3; }, "posts acknowledged");
                first.Kill9();
                stop.Cancel();
                await Task.WhenAll(posters);
            }

            using var second = ApplianceProcess.Start("controller", "--data-dir", data, "--listen", $"127.0.0.1:{port}");
            await Eventually.WaitAsync(() => File.Exists(Path.Combine(data, "run", "admin.sock")), "controller up again: " + second.Output);
            using var admin = new AdminClient(data);
            await Eventually.WaitAsync(async () => await admin.GetAsync("admin/status") != null, "admin answers");
            var listed = (await admin.GetAsync("admin/devices"))!.AsArray();
            Assert.That(listed.Select(d => d!["id"]!.GetValue<string>()), Is.SupersetOf(devices.Select(d => d.Id)));
            foreach (var d in devices)
            {
                var info = (await admin.GetAsync($"admin/devices/{d.Id}/info"))!.AsArray().Single()!;
                var stored = info["message"]!["dinfo"]!["ncpu"]!.GetValue<uint>();
                // The last acknowledged post is there; a post in flight at the kill may be there too.
                Assert.That(stored, Is.GreaterThanOrEqualTo(acknowledged[d.Id!]), $"device {d.Id}");
                Assert.That(stored, Is.LessThanOrEqualTo(acknowledged[d.Id!] + 1), $"device {d.Id}");
            }
            await second.StopAsync();
        }
        finally
        {
            foreach (var d in devices) d.Dispose();
        }
    }
}
