using Eve.Appliance.Store;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.Store;

/// <summary>Migration 3 (the operator object model) on a version 2 store.</summary>
[TestFixture]
public sealed class MigrationV3Tests
{
    [Test]
    public void Version2Store_MigratesTo3_KeepsDeviceConfigs_AndGainsTheObjectIndexes()
    {
        using var dir = new TempDir("store");
        var file = Path.Combine(dir.Path, "controller.db");
        using (var v2 = new LiteDB.LiteDatabase(file))
        {
            v2.GetCollection<ConfigDoc>("configs").Insert(new ConfigDoc { Id = "dev-a", Config = [8, 1], Version = 7, Hash = "h" });
            v2.UserVersion = 2;
        }
        using (var store = new ControllerStore(dir.Path))
        {
            Assert.That(store.UserVersion, Is.EqualTo(3));
            Assert.That(store.Configs.FindById("dev-a")!.Version, Is.EqualTo(7), "a device keeps its config; it has no assignment, so the compiler leaves it alone");
        }
        using (var again = new ControllerStore(dir.Path)) Assert.That(again.UserVersion, Is.EqualTo(3));
        using var check = new LiteDB.LiteDatabase(file);
        var indexes = check.GetCollection("$indexes").FindAll().ToDictionary(d => $"{d["collection"].AsString}.{d["name"].AsString}", d => d["unique"].AsBoolean);
        Assert.That(indexes["obj_apps.Name"], Is.True, "names are unique per kind");
        Assert.That(indexes["obj_images.Name"], Is.True);
        Assert.That(indexes.Keys, Does.Contain("config_versions.DeviceId").And.Contain("audit.At"));
    }
}
