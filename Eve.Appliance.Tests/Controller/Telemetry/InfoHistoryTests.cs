using Eve.Appliance.Controller.Telemetry;
using Eve.Appliance.Store;
using Eve.Appliance.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Tests.Controller.Telemetry;

[TestFixture]
public sealed class InfoHistoryTests
{
    private static ZInfoMsg Device(uint ncpu, int second) => new()
    {
        Ztype = ZInfoTypes.ZiDevice, DevId = "d", AtTimeStamp = new Timestamp { Seconds = 1_800_000_000 + second },
        Dinfo = new ZInfoDevice { Ncpu = ncpu },
    };

    private static ZInfoMsg App(string uuid, string name) => new()
    {
        Ztype = ZInfoTypes.ZiApp, DevId = "d", Ainfo = new ZInfoApp { AppID = uuid, AppName = name },
    };

    [Test]
    public void PeriodicResend_IsNotAChange_ButEachChangeIsKept_UpToTheCapPerObject()
    {
        using var dir = new TempDir("info");
        using var store = new ControllerStore(dir.Path, new StoreLimits { InfoHistoryPerObject = 5 });
        var ingest = new TelemetryIngest(store);
        ingest.Info("d", Device(2, 0));
        ingest.Info("d", Device(2, 60)); // same content, later timestamp
        Assert.That(ingest.InfoHistoryOf("d").Count(), Is.EqualTo(1));

        for (var i = 3; i <= 12; i++) ingest.Info("d", Device((uint)i, i));
        ingest.Info("d", App("a1", "web"));
        ingest.Info("d", App("a1", "web-2"));

        var device = ingest.InfoHistoryOf("d").Where(h => h.Kind == "ZiDevice").ToList();
        Assert.That(device.Select(h => ZInfoMsg.Parser.ParseFrom(h.Message).Dinfo.Ncpu), Is.EqualTo(new uint[] { 12, 11, 10, 9, 8 }), "newest first, capped at 5");
        var app = ingest.InfoHistoryOf("d").Where(h => h.Kind == "ZiApp").ToList();
        Assert.That(app.Select(h => ZInfoMsg.Parser.ParseFrom(h.Message).Ainfo.AppName), Is.EqualTo(new[] { "web-2", "web" }));
        Assert.That(ingest.InfoOf("d").Count(), Is.EqualTo(2), "latest per object unchanged");
        Assert.That(ZInfoMsg.Parser.ParseFrom(ingest.InfoOf("d").Single(i => i.Kind == "ZiDevice").Message).Dinfo.Ncpu, Is.EqualTo(12));
    }
}
