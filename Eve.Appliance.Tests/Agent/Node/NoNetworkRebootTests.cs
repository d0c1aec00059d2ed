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
public sealed class NoNetworkRebootTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [TestCase(0, null, 100, false, TestName = "JustStarted_NeverReached_NotDue")]
    [TestCase(99, null, 100, false, TestName = "NeverReached_BeforeTheTimer_NotDue")]
    [TestCase(100, null, 100, true, TestName = "NeverReached_TimerFromStart_Due")]
    [TestCase(150, 60, 100, false, TestName = "ReachedRecently_CountsFromLastContact_NotDue")]
    [TestCase(161, 60, 100, true, TestName = "SilentSinceLastContact_Due")]
    [TestCase(1000, null, 0, false, TestName = "TimerZero_Off")]
    public void Due_CountsFromTheLaterOfStartAndLastContact(int nowSeconds, int? contactSeconds, int limitSeconds, bool due)
    {
        var why = NoNetworkReboot.Due(T0.AddSeconds(nowSeconds), T0, contactSeconds is { } c ? T0.AddSeconds(c) : null, TimeSpan.FromSeconds(limitSeconds));
        Assert.That(why != null, Is.EqualTo(due), why);
        if (due) Assert.That(why, Does.Contain("timer.reboot.no.network"));
    }

    [Test]
    public async Task ControllerUnreachable_ForTheConfiguredTimer_NodeAgentReboots_AndTheNextBootSaysDisconnect()
    {
        using var dir = new TempDir("nonet");
        var persist = dir.Sub("persist");
        var hub = new ConfigHub();
        var cfg = new EdgeDevConfig();
        cfg.ConfigItems.Add(new ConfigItem { Key = "timer.reboot.no.network", Value = "1" });
        hub.Publish(new DesiredState(cfg, "h1", "checkpoint", DateTimeOffset.UtcNow));
        var reboot = new FakeReboot();
        var node = new NodeAgent(new BootHistory(persist, TimeProvider.System), reboot, "b1",
            options: new NodeOptions { NoNetworkCheckInterval = TimeSpan.FromMilliseconds(50) });
        var context = new AgentContext(new AgentOptions { ConfigDir = dir.Sub("config"), PersistDir = persist }, hub, new FakeReports(), null!, null!,
            NullLoggerFactory.Instance, TimeProvider.System) { LastControllerContact = () => null };
        using var cts = new CancellationTokenSource();
        var run = node.RunAsync(context, cts.Token);
        try
        {
            var reason = await reboot.Requested.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.That(reason, Does.StartWith("reboot: no contact with the controller").And.Contain("timer.reboot.no.network is 1 s"));
        }
        finally
        {
            await cts.CancelAsync();
            try { await run; } catch (OperationCanceledException) { }
        }
        var next = new BootHistory(persist, TimeProvider.System).ObserveBoot("b2");
        Assert.That(next.Reason, Is.EqualTo(BootReason.Disconnect));
        Assert.That(next.Text, Does.Contain("no contact with the controller"));
    }
}
