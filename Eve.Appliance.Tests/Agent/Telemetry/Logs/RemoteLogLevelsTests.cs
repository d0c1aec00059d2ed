using Eve.Appliance.Agent.Telemetry.Logs;

namespace Eve.Appliance.Tests.Agent.Telemetry.Logs;

[TestFixture]
public sealed class RemoteLogLevelsTests
{
    private static RemoteLogLevels From(params (string Key, string Value)[] items) =>
        RemoteLogLevels.From(items.Select(i => new KeyValuePair<string, string>(i.Key, i.Value)));

    [Test]
    public void Default_SendsInfoAndAbove()
    {
        Assert.That(RemoteLogLevels.Default.Allows("Agent", 2), Is.True);
        Assert.That(RemoteLogLevels.Default.Allows("Agent", 1), Is.False);
    }

    [Test]
    public void DefaultRemoteLevel_AndPerAgentLevels_Apply()
    {
        var levels = From(("debug.default.remote.loglevel", "warning"), ("agent.config.debug.loglevel", "error"),
            ("agent.controllerconn.debug.remote.loglevel", "debug"), ("agent.controllerconn.debug.loglevel", "fatal"));
        Assert.Multiple(() =>
        {
            Assert.That(levels.Allows("Agent", 2), Is.False, "info under a warning default");
            Assert.That(levels.Allows("Agent", 3), Is.True);
            Assert.That(levels.Allows("Config", 3), Is.False, "agent.config.debug.loglevel=error");
            Assert.That(levels.Allows("Config", 4), Is.True);
            Assert.That(levels.Allows("ControllerConn", 1), Is.True, "the remote item wins over the local one");
            Assert.That(levels.Allows("Apps.Worker", 3), Is.True, "category words after the first do not matter");
        });
    }

    [Test]
    public void UnknownLevelWords_AreIgnored()
    {
        var levels = From(("debug.default.remote.loglevel", "loud"));
        Assert.That(levels.Allows("Agent", 2), Is.True);
    }
}
