using Eve.Appliance.Agent.Node;
using Eve.Appliance.Agent.Watchdog;
using Eve.Appliance.Cli;
using Eve.Appliance.Tests.Agent.BaseOs;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.Agent.Watchdog;

/// <summary>The agent's own loops heartbeat into the health monitor: with the real controller and
/// agent, the config loop is made to hang inside a config apply, and the software watchdog fires
/// naming that loop, while the loops that only wait (info, metrics, logs, outbox) are not blamed.</summary>
[TestFixture]
public sealed class AgentLoopWatchdogTests
{
    [Test]
    public async Task ConfigLoopHangsWhileApplyingAConfig_WatchdogFires_WithTheLoopsNameInTheReason()
    {
        using var dir = new TempDir("loop-watchdog");
        var health = new HealthMonitor(TimeProvider.System, TimeSpan.FromSeconds(5));
        var reboot = new FakeReboot();
        var history = new BootHistory(dir.Sub("persist"), TimeProvider.System);
        var watchdog = new SoftwareWatchdog(health, null, history, reboot,
            new WatchdogOptions { CheckInterval = TimeSpan.FromMilliseconds(200), ReportDir = dir.Sub("log") });
        await using var controller = await RunningController.StartAsync(dir.Sub("controller"));
        RunningAgent.Provision(controller.BootstrapDir, dir.Sub("config"));
        await using var agent = await RunningAgent.StartAsync(dir.Sub("config"), dir.Sub("persist"), "SN-loop-watchdog",
            o => o with { RequestTimeout = TimeSpan.FromSeconds(3) }, subsystems: [watchdog], health: health);
        var id = await agent.Agent.Onboarded.WaitAsync(TimeSpan.FromSeconds(60));
        await agent.Agent.FirstConfig.WaitAsync(TimeSpan.FromSeconds(60));
        await Eventually.WaitAsync(() => health.Snapshot().Select(p => p.Name).ToHashSet().IsSupersetOf(["config", "info", "metrics", "logs", "outbox"]),
            () => $"every agent loop registered (now: {string.Join(", ", health.Snapshot().Select(p => p.Name))})");
        Assert.That(watchdog.Tripped, Is.Null, "healthy loops do not trip it");

        // The next config's apply blocks the config loop's thread (a subscriber that never returns).
        using var hang = new ManualResetEventSlim(false);
        var hung = 0;
        agent.Hub.Applied += _ =>
        {
            if (Interlocked.Exchange(ref hung, 1) == 0) hang.Wait(TimeSpan.FromMinutes(5));
        };
        try
        {
            using (var admin = new AdminClient(controller.DataDir))
            {
                var config = (await admin.GetAsync($"admin/devices/{id}/config"))!["config"]!.AsObject();
                config["configItems"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["key"] = "app.allow.vnc", ["value"] = "true" });
                await admin.PutTextAsync($"admin/devices/{id}/config", config.ToJsonString());
            }
            var reason = await reboot.Requested.WaitAsync(TimeSpan.FromSeconds(120));
            TestContext.Out.WriteLine(reason);
            Assert.That(reason, Does.StartWith("reboot: watchdog: ").And.Contain("config silent for"));
            Assert.That(watchdog.Tripped!.Select(p => p.Name), Does.Contain("config"));
            Assert.That(watchdog.Tripped!.Select(p => p.Name), Has.None.AnyOf("info", "logs", "outbox"), "waiting loops are idle, not hung");
            var report = await File.ReadAllTextAsync(watchdog.LastReportFile!);
            Assert.That(report, Does.Contain("part config: last heartbeat").And.Contain("ConfigPoller"), "the report names the loop and where it registered");
            Assert.That(watchdog.LastStackReport, Is.Not.Null, "createdump saved every thread's stack");
            var stacks = await File.ReadAllTextAsync(watchdog.LastStackReport!);
            Assert.That(stacks, Does.Contain("ConfigPoller").And.Contain("ManualResetEventSlim"), "the hung frame itself is in the saved stacks");
            Assert.That(new BootHistory(dir.Sub("persist"), TimeProvider.System).ObserveBoot("next-boot").Reason,
                Is.EqualTo(Org.Lfedge.Eve.Info.BootReason.WatchdogHung), "the next boot reports the watchdog");
        }
        finally
        {
            hang.Set();
        }
    }
}
