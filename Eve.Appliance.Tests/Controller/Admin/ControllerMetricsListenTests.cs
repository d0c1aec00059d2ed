using System.Net;
using Eve.Appliance.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Metrics;

namespace Eve.Appliance.Tests.Controller.Admin;

/// <summary>`eve-appliance controller --metrics-listen`: the stand-alone controller serves the same
/// Prometheus text as `run` does, on a TCP port a scraper can reach.</summary>
[TestFixture]
public sealed class ControllerMetricsListenTests
{
    [Test]
    public async Task ControllerCommand_ServesPrometheusText_OnMetricsListen()
    {
        using var dir = new TempDir("ctl-metrics-listen");
        var data = dir.Sub("data");
        var port = ApplianceProcess.FreePort();
        var metricsPort = ApplianceProcess.FreePort();
        using var controller = ApplianceProcess.Start("controller", "--data-dir", data, "--listen", $"127.0.0.1:{port}", "--metrics-listen", $"127.0.0.1:{metricsPort}");
        try
        {
            await Eventually.WaitAsync(() => File.Exists(Path.Combine(data, "run", "admin.sock")), () => "controller up: " + controller.Output);
            using var device = new TestDevice(new Uri($"https://127.0.0.1:{port}/"), Path.Combine(data, "bootstrap"), "SN-metrics-listen");
            await device.OnboardAsync();
            var metrics = new ZMetricMsg
            {
                DevID = device.Id, AtTimeStamp = Timestamp.FromDateTime(DateTime.UtcNow),
                Dm = new deviceMetric { Memory = new memoryMetric { UsedMem = 321, AvailMem = 679 } },
            };
            var posted = await device.PostAsync($"/api/v2/edgedevice/id/{device.Id}/metrics", device.Envelope(metrics));
            Assert.That(posted.Status, Is.EqualTo(HttpStatusCode.Created));

            using var http = new HttpClient();
            string text = "";
            await Eventually.WaitAsync(async () =>
            {
                try
                {
                    using var response = await http.GetAsync($"http://127.0.0.1:{metricsPort}/metrics");
                    if (response.StatusCode != HttpStatusCode.OK) return false;
                    Assert.That(response.Content.Headers.ContentType!.ToString(), Does.StartWith("text/plain; version=0.0.4"));
                    text = await response.Content.ReadAsStringAsync();
                    return text.Contains(device.Id!, StringComparison.Ordinal);
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, () => "metrics served: " + text + controller.Output);
            Assert.That(text, Does.Match($"eve_device_memory_used_mb\\{{device=\"{device.Id}\",[^}}]*\\}} 321\n"));
            await controller.StopAsync();
        }
        finally
        {
            TestContext.Out.WriteLine(controller.Output);
        }
    }

    [Test]
    public async Task ControllerCommand_RefusesNonLoopbackMetricsListen_WithoutTheFlag()
    {
        using var dir = new TempDir("ctl-metrics-any");
        var (code, stdout, stderr) = await ApplianceProcess.RunAsync("controller", "--data-dir", dir.Sub("data"), "--listen", $"127.0.0.1:{ApplianceProcess.FreePort()}", "--metrics-listen", "0.0.0.0:9464");
        Assert.That(code, Is.Not.EqualTo(0));
        Assert.That(stdout + stderr, Does.Contain("--metrics-listen-any"));
    }
}
