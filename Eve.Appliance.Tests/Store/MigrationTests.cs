using Eve.Appliance.Store;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.Store;

[TestFixture]
public sealed class MigrationTests
{
    [Test]
    public void NewStore_IsAtTheCurrentSchemaVersion_AndReopensUnchanged()
    {
        using var dir = new TempDir("store");
        using (var store = new ControllerStore(dir.Path)) Assert.That(store.UserVersion, Is.EqualTo(ControllerStore.SchemaVersion));
        using (var again = new ControllerStore(dir.Path)) Assert.That(again.UserVersion, Is.EqualTo(ControllerStore.SchemaVersion));
    }

    [Test]
    public void StoreFromANewerRelease_IsRefusedWithAClearError_AndNotTouched()
    {
        using var dir = new TempDir("store");
        using (var db = new LiteDB.LiteDatabase(Path.Combine(dir.Path, "controller.db"))) db.UserVersion = 99;
        var e = Assert.Throws<InvalidOperationException>(() => new ControllerStore(dir.Path).Dispose());
        Assert.That(e!.Message, Does.Contain("schema version 99"));
        using var check = new LiteDB.LiteDatabase(Path.Combine(dir.Path, "controller.db"));
        Assert.That(check.UserVersion, Is.EqualTo(99));
    }

    [Test]
    public void MetricsAndLogs_AreCappedPerDevice()
    {
        using var dir = new TempDir("store");
        using var store = new ControllerStore(dir.Path, new StoreLimits { MetricsPerDevice = 20, LogLinesPerDevice = 50 });
        var ingest = new Eve.Appliance.Controller.Telemetry.TelemetryIngest(store);
        for (var i = 0; i < 200; i++)
        {
            ingest.Metrics("dev-a", new Org.Lfedge.Eve.Metrics.ZMetricMsg { DevID = "dev-a" });
            ingest.Logs("dev-a", "", [new Org.Lfedge.Eve.Logs.LogEntry { Content = $"line {i}", Msgid = (ulong)i }]);
        }
        ingest.Metrics("dev-b", new Org.Lfedge.Eve.Metrics.ZMetricMsg { DevID = "dev-b" });
        Assert.That(store.Metrics.Count(m => m.DeviceId == "dev-a"), Is.InRange(20, 22));
        Assert.That(store.Logs.Count(l => l.DeviceId == "dev-a"), Is.InRange(50, 55));
        Assert.That(store.Metrics.Count(m => m.DeviceId == "dev-b"), Is.EqualTo(1));
        // The newest are the ones kept.
        Assert.That(store.Logs.Find(l => l.DeviceId == "dev-a").Max(l => l.MsgId), Is.EqualTo(199UL));
    }

    [Test]
    public void Version1Store_MigratesTo2_KeepsItsData_AndGainsTheHistoryAndSeriesIndexes()
    {
        using var dir = new TempDir("store");
        var file = Path.Combine(dir.Path, "controller.db");
        using (var v1 = new LiteDB.LiteDatabase(file))
        {
            v1.GetCollection<InfoDoc>("info").Insert(new InfoDoc { Id = "dev-a/ZiDevice/device", DeviceId = "dev-a", Kind = "ZiDevice", Message = [1, 2, 3] });
            v1.UserVersion = 1;
        }
        using (var store = new ControllerStore(dir.Path))
        {
            Assert.That(store.UserVersion, Is.EqualTo(ControllerStore.SchemaVersion));
            Assert.That(store.Info.FindById("dev-a/ZiDevice/device")!.Message, Is.EqualTo(new byte[] { 1, 2, 3 }));
        }
        using (var again = new ControllerStore(dir.Path)) Assert.That(again.UserVersion, Is.EqualTo(ControllerStore.SchemaVersion), "reopening applies nothing twice");
        using var check = new LiteDB.LiteDatabase(file);
        var indexes = check.GetCollection("$indexes").FindAll().Select(d => $"{d["collection"].AsString}.{d["name"].AsString}").ToList();
        Assert.That(indexes, Does.Contain("info_history.Key").And.Contain("info_history.DeviceId").And.Contain("metric_points.DeviceId"));
    }
}
