using System.Text.Json.Nodes;
using Eve.Appliance.Cli;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.Agent;

/// <summary>
/// The real agent against the real controller over HTTPS: onboarding, config changes, reports, and
/// what happens when the controller goes away and comes back.
/// </summary>
[TestFixture]
public sealed class AgentWithControllerTests
{
    private TempDir _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDir("agent");

    [TearDown]
    public void TearDown() => _dir.Dispose();

    private static async Task<JsonArray> Admin(RunningController c, string path)
    {
        using var client = new AdminClient(c.DataDir);
        return (await client.GetAsync(path) as JsonArray)!;
    }

    [Test]
    public async Task Agent_Onboards_AndItsInfoMetricsAndLogsReachTheController()
    {
        await using var controller = await RunningController.StartAsync(_dir.Sub("controller"));
        RunningAgent.Provision(controller.BootstrapDir, _dir.Sub("config"));
        await using var agent = await RunningAgent.StartAsync(_dir.Sub("config"), _dir.Sub("persist"), "SN-agent-1");
        var id = await agent.Agent.Onboarded.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.That(Guid.TryParse(id, out _), Is.True);
        Assert.That(File.ReadAllText(Path.Combine(_dir.Sub("persist"), "status", "uuid")).Trim(), Is.EqualTo(id));

        await Eventually.WaitAsync(async () => (await Admin(controller, $"admin/devices/{id}/info")).Any(i => i!["kind"]!.GetValue<string>() == "ZiDevice"), "device info");
        await Eventually.WaitAsync(async () => (await Admin(controller, $"admin/devices/{id}/metrics?last=5")).Count > 0, "metrics");
        await Eventually.WaitAsync(async () => (await Admin(controller, $"admin/devices/{id}/logs")).Any(l => l!["content"]!.GetValue<string>().Contains("onboard", StringComparison.OrdinalIgnoreCase) || l!["content"]!.GetValue<string>().Contains("UUID")), "agent's own log lines");

        var info = (await Admin(controller, $"admin/devices/{id}/info")).First(i => i!["kind"]!.GetValue<string>() == "ZiDevice")!;
        Assert.That(info["message"]!["dinfo"]!["ncpu"]!.GetValue<int>(), Is.EqualTo(Environment.ProcessorCount));
        var metric = (await Admin(controller, $"admin/devices/{id}/metrics?last=1"))[0]!;
        Assert.That(metric["message"]!["dm"]!["memory"]!["availMem"]!.GetValue<long>(), Is.GreaterThan(0));
    }

    [Test]
    public async Task OperatorConfigChange_IsAppliedByTheAgent_AndSurvivesRestartWithoutController()
    {
        string hash;
        await using (var controller = await RunningController.StartAsync(_dir.Sub("controller")))
        {
            RunningAgent.Provision(controller.BootstrapDir, _dir.Sub("config"));
            await using var agent = await RunningAgent.StartAsync(_dir.Sub("config"), _dir.Sub("persist"), "SN-agent-2");
            var id = await agent.Agent.Onboarded.WaitAsync(TimeSpan.FromSeconds(60));
            await agent.Agent.FirstConfig.WaitAsync(TimeSpan.FromSeconds(60));

            using var admin = new AdminClient(controller.DataDir);
            var config = (await admin.GetAsync($"admin/devices/{id}/config"))!["config"]!.AsObject();
            config["configItems"]!.AsArray().Add(new JsonObject { ["key"] = "app.test.marker", ["value"] = "42" });
            var set = await admin.PutTextAsync($"admin/devices/{id}/config", config.ToJsonString());
            hash = set!["hash"]!.GetValue<string>();
            await Eventually.WaitAsync(() => agent.Hub.Current?.Hash == hash, "agent applies the new config");
            Assert.That(agent.Hub.Current!.Item("app.test.marker"), Is.EqualTo("42"));
            Assert.That(agent.Hub.Current.Source, Is.EqualTo("controller"));
        }

        // The controller is gone: the agent starts on its checkpoint, verified with persisted certs.
        await using var offline = await RunningAgent.StartAsync(_dir.Sub("config"), _dir.Sub("persist"), "SN-agent-2");
        await offline.Agent.FirstConfig.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(offline.Hub.Current!.Hash, Is.EqualTo(hash));
        Assert.That(offline.Hub.Current.Source, Is.EqualTo("checkpoint"));
        Assert.That(offline.Hub.Current.Item("app.test.marker"), Is.EqualTo("42"));
    }

    [Test]
    public async Task Reports_WaitInThePersistedOutbox_WhileTheControllerIsAway()
    {
        var dataDir = _dir.Sub("controller");
        var controller = await RunningController.StartAsync(dataDir);
        var listen = $"127.0.0.1:{controller.Uri.Port}";
        RunningAgent.Provision(controller.BootstrapDir, _dir.Sub("config"));
        string id;
        await using (var agent = await RunningAgent.StartAsync(_dir.Sub("config"), _dir.Sub("persist"), "SN-agent-3"))
        {
            id = await agent.Agent.Onboarded.WaitAsync(TimeSpan.FromSeconds(60));
            await Eventually.WaitAsync(() => agent.Agent.Outbox!.Sent > 0, "first report sent");
            await controller.DisposeAsync();

            agent.Agent.Reporting!.PublishDeviceInfo(force: true);
            await Eventually.WaitAsync(() => agent.Agent.Outbox!.Pending > 0, "report queued while away");
        }
        // The agent stops too (a reboot, say); its queue is on disk.
        Assert.That(Directory.GetFiles(Path.Combine(_dir.Sub("persist"), "outbox")), Is.Not.Empty);

        var before = DateTime.UtcNow;
        await using var back = await RunningController.StartAsync(dataDir, o => o with { Listen = listen });
        await using var again = await RunningAgent.StartAsync(_dir.Sub("config"), _dir.Sub("persist"), "SN-agent-3");
        await Eventually.WaitAsync(() => again.Agent.Outbox!.Pending == 0 && again.Agent.Outbox.Sent > 0, "queue drained");
        var info = await Admin(back, $"admin/devices/{id}/info");
        Assert.That(info.Single(i => i!["kind"]!.GetValue<string>() == "ZiDevice")!["receivedAt"]!.GetValue<DateTime>(), Is.GreaterThanOrEqualTo(before.AddSeconds(-1)));
    }
}
