using System.Net;
using Eve.Appliance.Api.Envelope;
using Eve.Appliance.Api.NewLogs;
using Eve.Appliance.Cli;
using Eve.Appliance.Tests.Support;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Info;
using Org.Lfedge.Eve.Logs;

namespace Eve.Appliance.Tests.Faults;

/// <summary>
/// The controller's persist folder fills up for real (a small tmpfs): requests that must write are
/// refused with a clear, retryable answer, nothing already stored is damaged, reads keep working,
/// and it recovers by itself when space returns — also across a restart.
/// </summary>
[TestFixture]
public sealed class DiskFullTests
{
    [Test]
    public async Task ControllerDiskFull_RefusesWritesClearly_RecoversWhenSpaceReturns()
    {
        using var dir = new TempDir("diskfull");
        using var disk = new TmpfsMount(dir.Sub("persist"), 48L << 20);
        var data = Path.Combine(disk.Path, "data");
        var port = ApplianceProcess.FreePort();
        var uri = new Uri($"https://127.0.0.1:{port}/");
        TestDevice? device = null;
        try
        {
            using (var controller = ApplianceProcess.Start("controller", "--data-dir", data, "--listen", $"127.0.0.1:{port}"))
            try
            {
                await Eventually.WaitAsync(() => File.Exists(Path.Combine(data, "run", "admin.sock")), () => "controller up: " + controller.Output);
                device = new TestDevice(uri, Path.Combine(data, "bootstrap"), "SN-diskfull");
                await device.OnboardAsync();
                Assert.That((await PostInfoAsync(device, 1)).Status, Is.EqualTo(HttpStatusCode.Created));
                Assert.That((await PostLogAsync(device, "before the disk filled")).Status, Is.EqualTo(HttpStatusCode.Created));

                var filler = disk.Fill();
                // Keep writing until the store hits the wall (its pages may have had some slack).
                var refused = await PostLogAsync(device, "while full 1 " + new string('x', 2000));
                for (var n = 2; n < 2000 && refused.Status == HttpStatusCode.Created; n++)
                    refused = await PostLogAsync(device, $"while full {n} " + new string('x', 2000));
                var text = System.Text.Encoding.UTF8.GetString(refused.Body);
                Assert.That(refused.Status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), () => text + controller.Output[^Math.Min(6000, controller.Output.Length)..]);
                Assert.That(text, Does.Contain("no space left").IgnoreCase, "the answer says why");
                Assert.That(refused.Response.Headers.RetryAfter, Is.Not.Null, "devices are told to come back");

                // Reads work while full: the operator can look at the box.
                using (var admin = new AdminClient(data))
                {
                    var status = (await admin.GetAsync("admin/status"))!;
                    Assert.That(status.ToJsonString(), Does.Contain("no space left").IgnoreCase, "status explains the disk problem");
                    Assert.That((await admin.GetAsync($"admin/devices/{device.Id}/logs?text=before"))!.AsArray(), Has.Count.EqualTo(1));
                }

                File.Delete(filler);
                await Eventually.WaitAsync(async () => (await PostInfoAsync(device, 2)).Status == HttpStatusCode.Created, () => "writes accepted again: " + controller.Output);
                Assert.That((await PostLogAsync(device, "after space returned")).Status, Is.EqualTo(HttpStatusCode.Created));
                Assert.That(controller.Output, Does.Not.Contain("Unhandled exception"));
                await controller.StopAsync();
            }
            finally
            {
                TestContext.Out.WriteLine(controller.Output);
            }

            using var again = ApplianceProcess.Start("controller", "--data-dir", data, "--listen", $"127.0.0.1:{port}");
            await Eventually.WaitAsync(() => File.Exists(Path.Combine(data, "run", "admin.sock")), () => "controller up again: " + again.Output);
            using (var admin = new AdminClient(data))
            {
                await Eventually.WaitAsync(async () => await admin.GetAsync("admin/status") != null, "admin answers");
                var info = (await admin.GetAsync($"admin/devices/{device.Id}/info"))!.AsArray().Single()!;
                Assert.That(info["message"]!["dinfo"]!["ncpu"]!.GetValue<uint>(), Is.EqualTo(2u));
                Assert.That((await admin.GetAsync($"admin/devices/{device.Id}/logs?text=before"))!.AsArray(), Has.Count.EqualTo(1));
                Assert.That((await admin.GetAsync($"admin/devices/{device.Id}/logs?text=after"))!.AsArray(), Has.Count.EqualTo(1));
            }
            await again.StopAsync();
        }
        finally
        {
            device?.Dispose();
        }
    }

    private static Task<(HttpStatusCode Status, byte[] Body, HttpResponseMessage Response)> PostInfoAsync(TestDevice d, uint ncpu) =>
        d.PostAsync($"/api/v2/edgedevice/id/{d.Id}/info", d.Envelope(new ZInfoMsg { Ztype = ZInfoTypes.ZiDevice, DevId = d.Id, Dinfo = new ZInfoDevice { Ncpu = ncpu } }));

    private static Task<(HttpStatusCode Status, byte[] Body, HttpResponseMessage Response)> PostLogAsync(TestDevice d, string content)
    {
        var line = new LogEntry { Severity = "info", Source = "diskfull", Content = content, Timestamp = Timestamp.FromDateTime(DateTime.UtcNow) };
        var gz = NewLogsCodec.EncodeDevice(new LogBundleMeta(d.Id!, "IMGA", "1.0"), [line], DateTimeOffset.UtcNow);
        return d.PostAsync($"/api/v2/edgedevice/id/{d.Id}/newlogs", AuthContainers.Seal(gz, d.Signer).ToByteArray());
    }
}
