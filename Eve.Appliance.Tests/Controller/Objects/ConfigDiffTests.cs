using Eve.Appliance.Controller.Objects;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Tests.Controller.Objects;

[TestFixture]
public sealed class ConfigDiffTests
{
    [Test]
    public void ListElements_AreNamedByTheirNameOrKey_SoAnInsertShowsAsOneAddition()
    {
        var a = new EdgeDevConfig();
        a.Apps.Add(new AppInstanceConfig { Displayname = "web", Fixedresources = new VmConfig { Memory = 1024 } });
        a.ConfigItems.Add(new ConfigItem { Key = "timer.config.interval", Value = "60" });
        var b = a.Clone();
        b.Apps.Insert(0, new AppInstanceConfig { Displayname = "db", Activate = true });
        b.Apps[1].Fixedresources.Memory = 2048;
        b.ConfigItems[0].Value = "30";

        var lines = ConfigDiff.Of(a, b).Select(c => c.ToString()).ToList();
        Assert.That(lines, Is.EquivalentTo(new[]
        {
            "+ apps[db] = {\"displayname\":\"db\",\"activate\":true}",
            "~ apps[web].fixedresources.memory: 1024 → 2048",
            "~ configItems[timer.config.interval].value: \"60\" → \"30\"",
        }));
        Assert.That(ConfigDiff.Of(a, a.Clone()), Is.Empty);
    }
}
