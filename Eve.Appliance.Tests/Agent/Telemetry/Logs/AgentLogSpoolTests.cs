using Eve.Appliance.Agent.Telemetry.Logs;
using Microsoft.Extensions.Logging;

namespace Eve.Appliance.Tests.Agent.Telemetry.Logs;

/// <summary>The agent's spool as the host wires it: loggers in, config items applied.</summary>
[TestFixture]
public sealed class AgentLogSpoolTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = SpoolFixture.NewDir();

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void Quota_FollowsTheConfigItem_ButNeverPassesATenthOfThePersistPartition()
    {
        using var spool = AgentLogSpool.Open(_dir, TimeSpan.FromMinutes(5));
        var tenth = new DriveInfo(_dir).TotalSize / 10;
        Assert.That(spool.Queue.QuotaBytes, Is.EqualTo(Math.Min(2048L << 20, tenth)), "EVE's default 2048 MB, capped");
        spool.ApplyConfigItems(new Dictionary<string, string> { [AgentLogSpool.QuotaItem] = "3" });
        Assert.That(spool.Queue.QuotaBytes, Is.EqualTo(3L << 20));
        spool.ApplyConfigItems(new Dictionary<string, string> { [AgentLogSpool.QuotaItem] = "100000000" });
        Assert.That(spool.Queue.QuotaBytes, Is.EqualTo(tenth));
        spool.ApplyConfigItems(new Dictionary<string, string> { [AgentLogSpool.QuotaItem] = "-5" });
        Assert.That(spool.Queue.QuotaBytes, Is.EqualTo(Math.Min(2048L << 20, tenth)), "a nonsense value falls back to the default");
    }

    [Test]
    public void RemoteLogLevelItems_DecideWhatEntersTheSpool_AndFieldsTravelAsTags()
    {
        var app = Guid.NewGuid().ToString();
        using (var spool = AgentLogSpool.Open(_dir, TimeSpan.FromMinutes(5)))
        {
            spool.DeviceId = "5d0767ee-0547-4569-b530-387e526f8cb9";
            var agent = spool.LoggerProvider.CreateLogger("Agent");
            var config = spool.LoggerProvider.CreateLogger("Config");
            agent.LogInformation("before: info goes");
            spool.ApplyConfigItems(new Dictionary<string, string> { ["debug.default.remote.loglevel"] = "warning", ["agent.config.debug.remote.loglevel"] = "info" });
            agent.LogInformation("after: info stays home");
            agent.LogWarning("after: warning of {App} goes", app);
            config.LogInformation("after: config info goes");
        }
        var queue = new LogUploadQueue(SpoolFixture.Options(Path.Combine(_dir, "newlog")), TimeProvider.System);
        var chunks = SpoolFixture.Chunks(queue);
        var entries = chunks.SelectMany(c => c.Payload.Entries).ToList();
        Assert.That(entries.Select(e => e.Content), Is.EqualTo(new[] { "before: info goes", $"after: warning of {app} goes", "after: config info goes" }));
        Assert.That(entries[1].Severity, Is.EqualTo("warning"));
        Assert.That(entries[1].Source, Is.EqualTo("Agent"));
        Assert.That(entries[1].Tags["App"], Is.EqualTo(app));
        Assert.That(chunks[0].Payload.Meta!.DevId, Is.EqualTo("5d0767ee-0547-4569-b530-387e526f8cb9"), "the FCOMMENT carries the device id known at packing");
    }

    [Test]
    public void AppConsoleLines_GoToTheAppsStream_NamedInFname()
    {
        var app = Guid.NewGuid();
        using (var spool = AgentLogSpool.Open(_dir, TimeSpan.FromMinutes(5)))
            spool.AppendAppLines(app, "web", ["EVE-TEST-MARKER", "second line"], DateTimeOffset.UtcNow);
        var queue = new LogUploadQueue(SpoolFixture.Options(Path.Combine(_dir, "newlog")), TimeProvider.System);
        var (chunk, payload) = SpoolFixture.Chunks(queue).Single();
        Assert.That(chunk.AppUuid, Is.EqualTo(app.ToString()));
        Assert.That(LogUploader.ActionOf(chunk), Is.EqualTo($"apps/instanceid/{app}/newlogs"));
        Assert.That(payload.AppName, Is.EqualTo("web"));
        Assert.That(payload.Entries.Select(e => e.Content), Is.EqualTo(new[] { "EVE-TEST-MARKER", "second line" }));
    }
}
