using Eve.Appliance.Agent.Telemetry.Logs;
using NLog;
using NLog.Config;
using static Eve.Appliance.Tests.Agent.Telemetry.Logs.SpoolFixture;

namespace Eve.Appliance.Tests.Agent.Telemetry.Logs;

[TestFixture]
public sealed class EveLogTargetTests
{
    [Test]
    public void NLogEvents_BecomeNewlogsEntriesWithSourceLevelAndAppUuid()
    {
        const string app = "a1b2c3d4-0001-4a5b-8c9d-0123456789ab";
        var dir = NewDir();
        try
        {
            var writer = LogSegmentWriter.Open(Options(dir), new FakeClock());
            var factory = new LogFactory();
            var config = new LoggingConfiguration(factory);
            config.AddRuleForAllLevels(new EveLogTarget(writer));
            factory.Configuration = config;
            var networks = factory.GetLogger("Eve.Appliance.Agent.Networks");
            networks.Info("bridge {Bridge} up", "bn1");
            networks.WithProperty("appuuid", app).Warn("app {App} has no IP", "nginx");
            networks.WithProperty("source", "qemu").WithProperty("appuuid", app).WithProperty("applog", true).Info("console: login:");
            networks.Error(new InvalidOperationException("boom"), "reconcile failed");
            factory.Shutdown();
            writer.Dispose();

            var chunks = Chunks(writer.Queue);
            var dev = chunks.Single(c => c.Chunk.AppUuid == null).Payload.Entries;
            Assert.That(dev.Select(e => e.Severity), Is.EqualTo(new[] { "info", "warning", "error" }));
            Assert.That(dev[0].Source, Is.EqualTo("Eve.Appliance.Agent.Networks"));
            Assert.That(dev[0].Content, Is.EqualTo("bridge bn1 up"));
            Assert.That(dev[0].Tags["Bridge"], Is.EqualTo("bn1"));
            Assert.That(dev[0].Iid, Is.EqualTo(Environment.ProcessId.ToString()));
            Assert.That(dev[1].Tags["appuuid"], Is.EqualTo(app));
            Assert.That(dev[2].Content, Does.Contain("reconcile failed").And.Contain("boom"));
            Assert.That(dev.All(e => e.Timestamp.Seconds > 0), Is.True);
            var appLog = chunks.Single(c => c.Chunk.AppUuid == app).Payload.Entries.Single();
            Assert.That(appLog.Source, Is.EqualTo("qemu"));
            Assert.That(appLog.Content, Is.EqualTo("console: login:"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestCase("Trace", "trace")]
    [TestCase("Debug", "debug")]
    [TestCase("Info", "info")]
    [TestCase("Warn", "warning")]
    [TestCase("Error", "error")]
    [TestCase("Fatal", "fatal")]
    public void Severity_UsesEveWords(string level, string expected) =>
        Assert.That(EveLogTarget.SeverityOf(NLog.LogLevel.FromString(level)), Is.EqualTo(expected));
}
