using Eve.Appliance.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Eve.Appliance.Tests.Agent.Telemetry.Logs;

/// <summary>The real agent's spool against the real controller over HTTPS.</summary>
[TestFixture]
public sealed class SpoolWithControllerTests
{
    private TempDir _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDir("spoolctl");

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public async Task ControllerAwayForAWhile_ThenBack_EveryLineArrivesInOrderOnce()
    {
        var dataDir = _dir.Sub("controller");
        var controller = await RunningController.StartAsync(dataDir);
        var listen = $"127.0.0.1:{controller.Uri.Port}";
        RunningAgent.Provision(controller.BootstrapDir, _dir.Sub("config"));
        await using var agent = await RunningAgent.StartAsync(_dir.Sub("config"), _dir.Sub("persist"), "SN-spool-1");
        var id = await agent.Agent.Onboarded.WaitAsync(TimeSpan.FromSeconds(60));
        await Eventually.WaitAsync(() => agent.Agent.LogUploader!.ChunksSent > 0, "the agent's first own lines uploaded");
        await controller.DisposeAsync();

        var app = Guid.NewGuid();
        var log = agent.Spool.LoggerProvider.CreateLogger("Drill");
        for (var i = 0; i < 3000; i++)
        {
            log.LogInformation("away line {N:D5}", i);
            if (i % 100 == 0) agent.Agent.Reporting!.PublishAppLogs(app, "console-app", [$"app away line {i / 100:D3}"]);
        }
        var away = agent.Agent.LogUploader!.AwayAttempts;
        await Eventually.WaitAsync(() => agent.Agent.LogUploader!.AwayAttempts >= away + 3, "uploads attempted (and backing off) while the controller is away");
        Assert.That(agent.Spool.Queue.ListPending(), Is.Not.Empty);

        await using var back = await RunningController.StartAsync(dataDir, o => o with { Listen = listen });
        var expected = Enumerable.Range(0, 3000).Select(i => $"away line {i:D5}").ToList();
        var reader = new ControllerLogReader(dataDir, id, "away line");
        var got = reader.Lines;
        await Eventually.WaitAsync<object>(async () => (await reader.ReadAsync()).Count(l => l.AppId == "") >= 3000 ? got : null,
            () => $"3000 device lines at the controller (have {got.Count(l => l.AppId == "")})", 120);
        await Eventually.WaitAsync<object>(async () => (await reader.ReadAsync()).Count(l => l.AppId != "") >= 30 ? got : null, () => "30 app lines", 60);

        Assert.That(got.Where(l => l.AppId == "").Select(l => l.Content), Is.EqualTo(expected), "every device line once, in order");
        Assert.That(got.Where(l => l.AppId != "").Select(l => l.Content), Is.EqualTo(Enumerable.Range(0, 30).Select(i => $"app away line {i:D3}")));
        Assert.That(got.Where(l => l.AppId != "").Select(l => l.AppId).Distinct(), Is.EqualTo(new[] { app.ToString() }));
    }
}
