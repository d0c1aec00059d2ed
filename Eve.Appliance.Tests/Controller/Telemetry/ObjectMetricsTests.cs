using System.Net;
using Eve.Appliance.Controller;
using Eve.Appliance.Controller.Admin;
using Eve.Appliance.Controller.Telemetry;
using Eve.Appliance.Store;
using Eve.Appliance.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Metrics;

namespace Eve.Appliance.Tests.Controller.Telemetry;

/// <summary>Per-app, per-network-instance and per-volume series, their Prometheus gauges, and the
/// optional TCP listener for scrapers.</summary>
[TestFixture]
public sealed class ObjectMetricsTests
{
    private static readonly Guid App = Guid.Parse("0b8d3e4f-0000-4000-8000-000000000001");
    private static readonly Guid Ni = Guid.Parse("0b8d3e4f-0000-4000-8000-000000000002");
    private static readonly Guid Vol = Guid.Parse("0b8d3e4f-0000-4000-8000-000000000003");

    private TempDir _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDir("objmetrics");

    [TearDown]
    public void TearDown() => _dir.Dispose();

    private static ZMetricMsg Message(DateTime at, int i) => new()
    {
        DevID = "d",
        AtTimeStamp = Timestamp.FromDateTime(at),
        Dm = new deviceMetric { Memory = new memoryMetric { UsedMem = 100, AvailMem = 900 } },
        Am =
        {
            new appMetric
            {
                AppID = App.ToString(), AppName = "web \"1\"",
                Cpu = new appCpuMetric { TotalNs = (ulong)(i * 1_500_000_000L) },
                AppMemory = new AppMemoryMetric { UsedMB = (uint)(200 + i), AllocatedMB = 512 },
                Network = { new networkMetric { IName = "nbu1x1", RxBytes = 1000UL * (ulong)i, TxBytes = 10 } },
                Disk = { new appDiskMetric { Disk = "/v.qcow2", Used = 4096, Provisioned = 1 << 20 } },
            },
        },
        Nm =
        {
            new ZMetricNetworkInstance
            {
                NetworkID = Ni.ToString(), Displayname = "local",
                NetworkStats = new ZMetricNetworkStats { Rx = new NetworkStats { TotalBytes = 7, TotalPackets = 1, Drops = 2 }, Tx = new NetworkStats { TotalBytes = 9, TotalPackets = 3, Drops = 1 } },
            },
        },
        Vm = { new ZMetricVolume { Uuid = Vol.ToString(), DisplayName = "disk", UsedBytes = 4096, TotalBytes = 1 << 20, FreeBytes = (1 << 20) - 4096 } },
    };

    [Test]
    public void EachAppNetworkInstanceAndVolume_GetsItsOwnSeries()
    {
        using var store = new ControllerStore(_dir.Path);
        var ingest = new TelemetryIngest(store);
        var now = DateTime.UtcNow;
        for (var i = 1; i <= 3; i++) ingest.Metrics("d", Message(now.AddSeconds(i - 10), i));

        var app = ingest.Series.Points(ObjectMetricValues.SeriesKey("d", $"app/{App}"), MetricSeries.Raw, now.AddHours(-1), 100);
        Assert.That(app, Has.Count.EqualTo(3));
        var last = app[^1];
        double V(MetricPointDoc p, string name) => p.Sums[p.Names.IndexOf(name)] / p.Counts[p.Names.IndexOf(name)];
        Assert.That(V(last, "cpu.total_s"), Is.EqualTo(4.5));
        Assert.That(V(last, "mem.used_mb"), Is.EqualTo(203));
        Assert.That(V(last, "net.rx_bytes"), Is.EqualTo(3000));
        Assert.That(V(last, "disk.used_bytes"), Is.EqualTo(4096));
        var ni = ingest.Series.Points(ObjectMetricValues.SeriesKey("d", $"ni/{Ni}"), MetricSeries.Raw, now.AddHours(-1), 100);
        Assert.That(V(ni[^1], "rx_bytes") + V(ni[^1], "tx_drops"), Is.EqualTo(8));
        var vol = ingest.Series.Points(ObjectMetricValues.SeriesKey("d", $"vol/{Vol}"), MetricSeries.Minute, now.AddHours(-1), 100);
        Assert.That(V(vol[^1], "used_bytes"), Is.EqualTo(4096));
        Assert.That(ingest.Series.Points("d", MetricSeries.Raw, now.AddHours(-1), 100), Has.Count.EqualTo(3), "the device's own series is apart");

        ingest.Forget("d");
        Assert.That(store.MetricPoints.Count(), Is.Zero, "forgetting the device forgets its objects' series");
    }

    [Test]
    public void ObjectNames_AreCheckedAndNormalised()
    {
        Assert.That(ObjectMetricValues.Parse($"app/{App.ToString().ToUpperInvariant()}"), Is.EqualTo($"app/{App}"));
        Assert.That(ObjectMetricValues.Parse("app/not-a-uuid"), Is.Null);
        Assert.That(ObjectMetricValues.Parse($"disk/{App}"), Is.Null);
        Assert.That(ObjectMetricValues.Of(new ZMetricMsg { Am = { new appMetric { AppID = "../../etc" } } }), Is.Empty);
    }

    [Test]
    public async Task Prometheus_ShowsAppNetworkInstanceAndVolumeGauges_OnTheAdminSocketAndTheTcpListener()
    {
        await using var controller = await RunningController.StartAsync(_dir.Sub("controller"));
        using var device = new TestDevice(controller.Uri, controller.BootstrapDir, "SN-obj-" + Guid.NewGuid().ToString("N")[..8]);
        await device.OnboardAsync();
        var posted = await device.PostAsync($"/api/v2/edgedevice/id/{device.Id}/metrics", device.Envelope(Message(DateTime.UtcNow, 2)));
        Assert.That(posted.Status, Is.EqualTo(HttpStatusCode.Created));

        using var admin = new Eve.Appliance.Cli.AdminClient(controller.DataDir);
        var text = await admin.GetTextAsync("metrics");
        var labels = $"device=\"{device.Id}\",app=\"{App}\",app_name=\"web \\\"1\\\"\"";
        Assert.That(text, Does.Contain($"eve_app_cpu_seconds_total{{{labels}}} 3\n"));
        Assert.That(text, Does.Contain($"eve_app_memory_used_mb{{{labels}}} 202\n"));
        Assert.That(text, Does.Contain($"eve_network_instance_rx_bytes_total{{device=\"{device.Id}\",network_instance=\"{Ni}\",name=\"local\"}} 7\n"));
        Assert.That(text, Does.Contain($"eve_volume_used_bytes{{device=\"{device.Id}\",volume=\"{Vol}\",name=\"disk\"}} 4096\n"));
        Assert.That(text, Does.Contain("# TYPE eve_app_cpu_seconds_total counter"));

        var listener = new MetricsListener(MetricsListener.Endpoint("127.0.0.1:0", allowNonLoopback: false), async ct =>
        {
            using var client = new Eve.Appliance.Cli.AdminClient(controller.DataDir);
            return await client.GetTextAsync("metrics");
        });
        await listener.StartAsync(CancellationToken.None);
        try
        {
            using var http = new HttpClient();
            using var response = await http.GetAsync(new Uri(listener.Uri!, "/metrics"));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType!.ToString(), Does.StartWith("text/plain; version=0.0.4"));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain($"eve_app_memory_used_mb{{{labels}}} 202\n"));
        }
        finally
        {
            await listener.StopAsync(CancellationToken.None);
            await listener.DisposeAsync();
        }
    }

    [TestCase("0.0.0.0:9464", false, true)]
    [TestCase("192.0.2.7:9464", false, true)]
    [TestCase("192.0.2.7:9464", true, false)]
    [TestCase("127.0.0.1:9464", false, false)]
    [TestCase("[::1]:9464", false, false)]
    [TestCase("localhost", false, true)]
    public void MetricsListen_OnlyLoopbackWithoutTheFlag(string listen, bool any, bool refused)
    {
        if (refused) Assert.Throws<Eve.Appliance.Cli.UsageException>(() => MetricsListener.Endpoint(listen, any));
        else Assert.That(MetricsListener.Endpoint(listen, any).ToString(), Is.EqualTo(listen));
    }
}
