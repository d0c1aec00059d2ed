using Eve.Appliance.Agent.Apps;
using Eve.Appliance.Tests.Support;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Tests.Agent.Apps;

[TestFixture]
public sealed class AppStateStoreTests
{
    [Test]
    public void Record_RoundTripsThroughItsFile_AndDeleteForgetsIt()
    {
        using var dir = new TempDir("evas");
        var store = new AppStateStore(dir.Sub("state"));
        var id = Guid.NewGuid();
        var record = new AppRecord
        {
            Id = id, Name = "web", State = ZSwState.Running, RestartApplied = 2, PurgeApplied = 1, PreparedFor = "fp",
            BootTime = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000), Error = "x", Crashes = 1,
        };
        store.Save(record);
        Assert.That(new AppStateStore(dir.Sub("state")).Load(id), Is.EqualTo(record));
        Assert.That(File.ReadAllText(dir.Sub("state", $"{id}.json")), Does.Contain("\"Running\""), "state is readable by people");
        Assert.That(store.Ids(), Is.EqualTo(new[] { id }));
        store.Delete(id);
        Assert.That(store.Load(id), Is.Null);
    }
}
