using System.Net;
using System.Text.Json.Nodes;
using Eve.Appliance.Api.NewLogs;
using Eve.Appliance.Cli;
using Eve.Appliance.Tests.Support;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Info;
using Org.Lfedge.Eve.Logs;

namespace Eve.Appliance.Tests.Controller.Telemetry;

/// <summary>The real controller in-process: a device posts info, metrics and newlogs over HTTPS; the
/// operator reads them back through the admin socket, the ctl verbs and the Prometheus page.</summary>
[TestFixture]
public sealed class TelemetryAdminApiTests
{
    private TempDir _dir = null!;
    private RunningController _controller = null!;
    private TestDevice _device = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _dir = new TempDir("ctltel");
        _controller = await RunningController.StartAsync(_dir.Sub("data"));
        _device = new TestDevice(_controller.Uri, _controller.BootstrapDir, "SN-tel-" + Guid.NewGuid().ToString("N")[..8]);
        await _device.OnboardAsync();
        var d = _device;
        var now = DateTime.UtcNow;
        for (var i = 0; i < 3; i++)
        {
            var m = MetricSeriesTests.Message(d.Id!, now.AddSeconds(-30 + i * 10), 10 + i * 10, (uint)(1000 + i), (ulong)i);
            Expect(await d.PostAsync($"/api/v2/edgedevice/id/{d.Id}/metrics", d.Envelope(m)), HttpStatusCode.Created);
        }
        foreach (var ncpu in new uint[] { 2, 4 })
        {
            var info = new ZInfoMsg { Ztype = ZInfoTypes.ZiDevice, DevId = d.Id, Dinfo = new ZInfoDevice { Ncpu = ncpu } };
            Expect(await d.PostAsync($"/api/v2/edgedevice/id/{d.Id}/info", d.Envelope(info)), HttpStatusCode.Created);
        }
        var lines = new[]
        {
            new LogEntry { Severity = "info", Source = "zedagent", Content = "all good", Timestamp = Timestamp.FromDateTime(now) },
            new LogEntry { Severity = "error", Source = "nim", Content = "DHCP timeout on eth0", Timestamp = Timestamp.FromDateTime(now) },
        };
        var gz = NewLogsCodec.EncodeDevice(new LogBundleMeta(d.Id!, "IMGA", "1.0"), lines, DateTimeOffset.UtcNow);
        Expect(await d.PostAsync($"/api/v2/edgedevice/id/{d.Id}/newlogs", Eve.Appliance.Api.Envelope.AuthContainers.Seal(gz, d.Signer).ToByteArray()), HttpStatusCode.Created);
    }

    private static void Expect((HttpStatusCode Status, byte[] Body, HttpResponseMessage Response) r, HttpStatusCode status)
    {
        if (r.Status != status) throw new InvalidOperationException($"{r.Response.RequestMessage?.RequestUri}: {r.Status}, expected {status}");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _device.Dispose();
        await _controller.DisposeAsync();
        _dir.Dispose();
    }

    private async Task<string> CtlAsync(params string[] words)
    {
        var output = new StringWriter();
        var code = await CtlCommand.RunAsync(new Args(["ctl", "--data-dir", _controller.DataDir, .. words]), output);
        Assert.That(code, Is.EqualTo(ExitCode.Ok), output.ToString());
        return output.ToString();
    }

    [Test]
    public async Task Logs_FilterByLevelAndText_ThroughApiAndCtl()
    {
        using var client = new AdminClient(_controller.DataDir);
        var errors = (JsonArray)(await client.GetAsync($"admin/devices/{_device.Id}/logs?level=warning&since=1h"))!;
        Assert.That(errors.Select(l => l!["content"]!.GetValue<string>()), Is.EqualTo(new[] { "DHCP timeout on eth0" }));
        var text = await CtlAsync("logs", _device.Id!, "--text", "good");
        Assert.That(text, Does.Contain("all good").And.Not.Contain("DHCP"));
        var bad = Assert.ThrowsAsync<AdminRefusedException>(() => client.GetAsync($"admin/devices/{_device.Id}/logs?level=loud"));
        Assert.That(bad!.Message, Does.Contain("level 'loud'"));
    }

    [Test]
    public async Task MetricsSeries_ReturnsRawPoints_AsJsonAndTable()
    {
        using var client = new AdminClient(_controller.DataDir);
        var points = (JsonArray)(await client.GetAsync($"admin/devices/{_device.Id}/metrics/series?since=10m"))!;
        Assert.That(points.Select(p => p!["values"]!["cpu.percent"]!.GetValue<double>()), Is.EqualTo(new[] { 10.0, 20.0, 30.0 }));
        Assert.That(points.Select(p => p!["tier"]!.GetValue<string>()), Is.All.EqualTo("raw"));
        var minute = (JsonArray)(await client.GetAsync($"admin/devices/{_device.Id}/metrics/series?since=10m&tier=minute"))!;
        Assert.That(minute.Sum(p => p!["count"]!.GetValue<int>()), Is.EqualTo(3));
        var table = await CtlAsync("metrics", _device.Id!, "--since", "10m");
        Assert.That(table, Does.Contain("CPU.PERCENT").And.Contain("NET.ETH0.RX_BYTES").And.Contain("1002"));
    }

    [Test]
    public async Task InfoHistory_KeepsBothVersions_NewestFirst()
    {
        var json = JsonNode.Parse(await CtlAsync("info", _device.Id!, "--history", "--json"))!.AsArray();
        var ncpus = json.Where(h => h!["kind"]!.GetValue<string>() == "ZiDevice").Select(h => h!["message"]!["dinfo"]!["ncpu"]!.GetValue<int>());
        Assert.That(ncpus, Is.EqualTo(new[] { 4, 2 }));
    }

    [Test]
    public async Task Prometheus_HasDeviceGaugesAndControllerCounters()
    {
        using var client = new AdminClient(_controller.DataDir);
        var text = await client.GetTextAsync("metrics");
        var label = $"device=\"{_device.Id}\"";
        Assert.That(text, Does.Contain($"eve_device_cpu_percent{{{label}"));
        var cpuLine = text.Split('\n').Single(l => l.StartsWith("eve_device_cpu_percent{", StringComparison.Ordinal) && l.Contains(label));
        Assert.That(cpuLine, Does.EndWith(" 30"));
        Assert.That(text, Does.Contain($"eve_device_memory_used_mb{{{label}").And.Contain($"eve_device_last_seen_age_seconds{{{label}"));
        Assert.That(text, Does.Match(@"eve_controller_requests_total\{endpoint=""[^""]*metrics[^""]*""\} [1-9]"));
        Assert.That(text, Does.Contain("# TYPE eve_controller_refusals_total counter"));
    }
}
