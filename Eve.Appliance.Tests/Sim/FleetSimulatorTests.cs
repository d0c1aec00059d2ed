using System.Text.Json.Nodes;
using Eve.Appliance.Cli;
using Eve.Appliance.Sim;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.Sim;

/// <summary>The fleet simulator against the real controller (in-process, real TLS on loopback).</summary>
[TestFixture]
[Parallelizable(ParallelScope.Self)]
public sealed class FleetSimulatorTests
{
    private TempDir _dir = null!;
    private RunningController _controller = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _dir = new TempDir("sim");
        _controller = await RunningController.StartAsync(_dir.Sub("data"));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _controller.DisposeAsync();
        _dir.Dispose();
    }

    private SimOptions Options(int devices, SimMode mode, double seconds) => new()
    {
        Devices = devices,
        BootstrapDir = _controller.BootstrapDir,
        Controller = _controller.Uri,
        Mode = mode,
        Duration = TimeSpan.FromSeconds(seconds),
        // 120× EVE's timers: config every 0.15–0.5 s, metrics alike, newlogs every 0.2–0.75 s.
        Speedup = 120,
        Connections = 8,
        ControllerPid = Environment.ProcessId,
    };

    [Test]
    public async Task Fleet_OnboardsEveryDevice_AndReportsEveryEndpoint_WithoutErrors()
    {
        var before = await DeviceCountAsync();
        var report = await new FleetSimulator(Options(20, SimMode.Fleet, 4)).RunAsync(CancellationToken.None);

        Assert.That(report.Onboarded, Is.EqualTo(20));
        Assert.That(report.Errors, Is.EqualTo(0), () => Text(report));
        Assert.That(await DeviceCountAsync(), Is.EqualTo(before + 20), "every simulated device is registered in the store");
        var steady = report.Phase("steady")!;
        Assert.That(steady.Endpoints.Select(e => e.Endpoint), Is.SupersetOf(new[] { "config", "metrics", "newlogs" }), () => Text(report));
        var config = steady.Endpoints.Single(e => e.Endpoint == "config");
        Assert.That(config.Statuses.Keys, Is.SubsetOf(new[] { "200", "304" }));
        Assert.That(config.Statuses.GetValueOrDefault("304"), Is.GreaterThan(0), "after the first config, polls carry the hash and get 304");
        Assert.That(steady.ControllerCpuSeconds, Is.Not.Null, "the process's own /proc entry is readable");
    }

    [Test]
    public async Task Storm_OnboardsAllAtOnce()
    {
        var report = await new FleetSimulator(Options(15, SimMode.Storm, 1)).RunAsync(CancellationToken.None);

        Assert.That(report.Onboarded, Is.EqualTo(15), () => Text(report));
        Assert.That(report.Errors, Is.EqualTo(0), () => Text(report));
        var storm = report.Phase("storm")!;
        Assert.That(storm.Endpoints.Single(e => e.Endpoint == "register").Statuses, Is.EqualTo(new Dictionary<string, long> { ["201"] = 15 }));
        Assert.That(report.Phases, Has.Count.EqualTo(1), "a storm does nothing after onboarding");
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Poll_AfterTheFirstConfig_IsAll304(bool http2)
    {
        var report = await new FleetSimulator(Options(10, SimMode.Poll, 2) with { Http2 = http2 }).RunAsync(CancellationToken.None);

        Assert.That(report.Errors, Is.EqualTo(0), () => Text(report));
        var first = report.Phase("first-config")!.Endpoints.Single();
        Assert.That(first.Statuses, Is.EqualTo(new Dictionary<string, long> { ["200"] = 10 }), "a new device's first poll gets its config");
        var poll = report.Phase("poll-304")!.Endpoints.Single();
        Assert.That(poll.Requests, Is.GreaterThan(10));
        Assert.That(poll.Statuses.Keys, Is.EqualTo(new[] { "304" }));
        var json = report.ToJson();
        Assert.That(json["phases"]!.AsArray().Select(p => (string)p!["name"]!), Is.EqualTo(new[] { "onboard", "first-config", "poll-304" }));
    }

    [Test]
    public async Task KeyCache_ReusesIdentities_SoARerunRegistersAgainWith200()
    {
        var options = Options(5, SimMode.Storm, 1) with { KeyCacheDir = _dir.Sub("keys") };
        var first = await new FleetSimulator(options).RunAsync(CancellationToken.None);
        var second = await new FleetSimulator(options).RunAsync(CancellationToken.None);

        Assert.That(first.Phase("storm")!.Endpoints.Single(e => e.Endpoint == "register").Statuses.Keys, Is.EqualTo(new[] { "201" }));
        Assert.That(second.Phase("storm")!.Endpoints.Single(e => e.Endpoint == "register").Statuses.Keys, Is.EqualTo(new[] { "200" }),
            "the same serials and certs: the controller knows them");
        Assert.That(second.Errors, Is.EqualTo(0), () => Text(second));
    }

    private async Task<int> DeviceCountAsync()
    {
        using var client = new AdminClient(_controller.DataDir);
        return ((JsonArray)(await client.GetAsync("admin/devices"))!).Count;
    }

    private static string Text(SimReport report)
    {
        using var w = new StringWriter();
        report.WriteText(w);
        return w.ToString();
    }
}
