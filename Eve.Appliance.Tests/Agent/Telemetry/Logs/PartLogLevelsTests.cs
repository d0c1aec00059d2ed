using Eve.Appliance.Agent.Telemetry.Logs;

namespace Eve.Appliance.Tests.Agent.Telemetry.Logs;

[TestFixture]
public sealed class PartLogLevelsTests
{
    private static KeyValuePair<string, string>[] Items(params (string Key, string Value)[] items) =>
        [.. items.Select(i => new KeyValuePair<string, string>(i.Key, i.Value))];

    [Test]
    public void Default_IsInfoAndAbove_ForBothDestinations()
    {
        foreach (var levels in new[] { PartLogLevels.Local([]), PartLogLevels.Remote([]) })
        {
            Assert.That(levels.Allows("Agent", 2), Is.True);
            Assert.That(levels.Allows("Agent", 1), Is.False);
            Assert.That(levels.Minimum, Is.EqualTo(2));
        }
    }

    [Test]
    public void EachDestination_ReadsOnlyItsOwnItems_AsEveAgentlogDoes()
    {
        var items = Items(("debug.default.loglevel", "debug"), ("debug.default.remote.loglevel", "warning"),
            ("agent.config.debug.loglevel", "error"), ("agent.controllerconn.debug.remote.loglevel", "trace"));
        var local = PartLogLevels.Local(items);
        var remote = PartLogLevels.Remote(items);
        Assert.Multiple(() =>
        {
            Assert.That(local.Allows("Agent", 1), Is.True, "local default debug");
            Assert.That(local.Allows("Agent", 0), Is.False);
            Assert.That(local.Allows("Config", 3), Is.False, "agent.config.debug.loglevel=error");
            Assert.That(local.Allows("Config.Poller", 4), Is.True, "words after the first name the same part");
            Assert.That(local.Allows("ControllerConn", 0), Is.False, "a remote item does not change what is kept locally");
            Assert.That(local.Minimum, Is.EqualTo(1));

            Assert.That(remote.Allows("Agent", 2), Is.False, "info under a warning remote default");
            Assert.That(remote.Allows("Agent", 3), Is.True);
            Assert.That(remote.Allows("Config", 3), Is.True, "the local per-part item does not change what is uploaded");
            Assert.That(remote.Allows("ControllerConn", 0), Is.True, "agent.controllerconn.debug.remote.loglevel=trace");
            Assert.That(remote.Minimum, Is.EqualTo(0));
        });
    }

    [TestCase("loud")]
    [TestCase("")]
    public void UnknownLevelWords_AreIgnored(string word)
    {
        var levels = PartLogLevels.Remote(Items(("debug.default.remote.loglevel", word), ("agent.apps.debug.remote.loglevel", word)));
        Assert.That(levels.Allows("Apps", 2), Is.True);
        Assert.That(levels.Allows("Apps", 1), Is.False);
    }

    [TestCase("warn", 3)]
    [TestCase("WARNING", 3)]
    [TestCase("panic", 5)]
    [TestCase(" trace ", 0)]
    public void LogrusWords_MapToNLogOrdinals(string word, int ordinal) => Assert.That(PartLogLevels.Ordinal(word), Is.EqualTo(ordinal));
}
