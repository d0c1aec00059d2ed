using Eve.Appliance.Agent;
using Eve.Appliance.Agent.Config;
using Eve.Appliance.Agent.Node;
using Eve.Appliance.Tests.Agent.BaseOs;
using Eve.Appliance.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Org.Lfedge.Eve.Config;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Tests.Agent.Node;

[TestFixture]
public sealed class NodeAgentTests
{
    private TempDir _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDir("node");

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public void BootHistory_FirstBoot_ThenPowerLoss_ThenRecordedReason_AndAgentRestartKeepsIt()
    {
        var persist = _dir.Sub("persist");
        Assert.That(new BootHistory(persist, TimeProvider.System).ObserveBoot("b1").Reason, Is.EqualTo(BootReason.First));
        Assert.That(new BootHistory(persist, TimeProvider.System).ObserveBoot("b2").Reason, Is.EqualTo(BootReason.PowerFail),
            "a new boot without a recorded reason is a power loss");
        new BootHistory(persist, TimeProvider.System).RecordIntent(BootReason.Update, "base image update 1.0 -> 2.0");
        var third = new BootHistory(persist, TimeProvider.System).ObserveBoot("b3");
        Assert.That((third.Reason, third.Text), Is.EqualTo((BootReason.Update, "base image update 1.0 -> 2.0")));
        var restarted = new BootHistory(persist, TimeProvider.System).ObserveBoot("b3");
        Assert.That(restarted, Is.EqualTo(third), "an agent restart within the same boot is not a reboot");
        Assert.That(new BootHistory(persist, TimeProvider.System).ObserveBoot("b4", watchdogReset: true).Reason, Is.EqualTo(BootReason.WatchdogHung));
    }

    [TestCase(true, "reboot: reboot requested by the operator (reboot counter 4)", BootReason.RebootCmd)]
    [TestCase(false, "poweroff: power off requested by the operator (reboot counter 4, desiredState false)", BootReason.PoweroffCmd)]
    public async Task RebootCounterChange_RecordsTheReason_ThenActs_AndTheNextBootReportsIt(bool desired, string expected, BootReason reason)
    {
        var persist = _dir.Sub("persist");
        var hub = new ConfigHub();
        var reboot = new FakeReboot();
        var reports = new FakeReports();
        using var cts = new CancellationTokenSource();
        var run = new NodeAgent(new BootHistory(persist, TimeProvider.System), reboot, "b1").RunAsync(Context(hub, reports, persist), cts.Token);
        try
        {
            hub.Publish(Config("h1", 3, desired));
            await Eventually.WaitAsync(() => File.Exists(Path.Combine(persist, "status", "device-ops.json")), "baseline counters saved");
            Assert.That(reboot.Requested.IsCompleted, Is.False, "the first counter seen is a baseline, not a command");
            hub.Publish(Config("h2", 4, desired));
            Assert.That(await reboot.Requested.WaitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(expected));
        }
        finally
        {
            await cts.CancelAsync();
            Assert.That(async () => await run, Throws.InstanceOf<OperationCanceledException>());
        }

        var next = new BootHistory(persist, TimeProvider.System).ObserveBoot("b2");
        Assert.That(next.Reason, Is.EqualTo(reason));
        Assert.That(next.Text, Is.EqualTo(expected[(expected.IndexOf(' ') + 1)..]));
    }

    [Test]
    public async Task ShutdownCounter_ShutsDown_AndTheSameCounterAfterBootDoesNothing()
    {
        var persist = _dir.Sub("persist");
        var reboot = new FakeReboot();
        async Task RunOnceAsync(string bootId, FakeReboot r, params DesiredState[] configs)
        {
            var hub = new ConfigHub();
            using var cts = new CancellationTokenSource();
            var node = new NodeAgent(new BootHistory(persist, TimeProvider.System), r, bootId);
            var run = node.RunAsync(Context(hub, new FakeReports(), persist), cts.Token);
            int n = 0;
            foreach (var c in configs)
            {
                hub.Publish(c);
                n++;
                await Eventually.WaitAsync(() => node.ConfigsHandled >= n, $"config {c.Hash} handled");
            }
            await cts.CancelAsync();
            try { await run; } catch (OperationCanceledException) { }
        }
        var cfg = Config("h1", 0, true);
        await RunOnceAsync("b1", reboot, cfg, ConfigWithShutdown("h2", 1));
        Assert.That(await reboot.Requested, Does.StartWith("shutdown:"));
        var after = new FakeReboot();
        await RunOnceAsync("b2", after, ConfigWithShutdown("h2", 1));
        Assert.That(after.Requested.IsCompleted, Is.False, "the counter was persisted before acting, so the box does not shut down again");
    }

    private static DesiredState Config(string hash, uint counter, bool desired) =>
        new(new EdgeDevConfig { Reboot = new DeviceOpsCmd { Counter = counter, DesiredState = desired } }, hash, "test", DateTimeOffset.UtcNow);

    private static DesiredState ConfigWithShutdown(string hash, uint counter) =>
        new(new EdgeDevConfig { Shutdown = new DeviceOpsCmd { Counter = counter } }, hash, "test", DateTimeOffset.UtcNow);

    private AgentContext Context(ConfigHub hub, FakeReports reports, string persist) =>
        new(new AgentOptions { ConfigDir = _dir.Sub("config"), PersistDir = persist }, hub, reports, null!, null!,
            NullLoggerFactory.Instance, TimeProvider.System);
}
