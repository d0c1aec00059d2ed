using Eve.Appliance.Agent;
using Eve.Appliance.Agent.Config;
using Eve.Appliance.Agent.Node;
using Eve.Appliance.Agent.Watchdog;
using Eve.Appliance.Tests.Agent.BaseOs;
using Eve.Appliance.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Tests.Agent.Watchdog;

[TestFixture]
public sealed class WatchdogTests
{
    private TempDir _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDir("watchdog");

    [TearDown]
    public void TearDown() => _dir.Dispose();

    // The values of include/uapi/linux/watchdog.h as compiled on x86-64 (checked with a C program
    // printing the macros): the encoding must give exactly these.
    [TestCase("GetSupport", 0x80285700u)]
    [TestCase("GetStatus", 0x80045701u)]
    [TestCase("GetBootStatus", 0x80045702u)]
    [TestCase("KeepAlive", 0x80045705u)]
    [TestCase("SetTimeout", 0xC0045706u)]
    [TestCase("GetTimeout", 0x80045707u)]
    public void IoctlNumbers_MatchTheKernelHeader(string name, uint expected)
    {
        var value = (uint)typeof(WatchdogIoctl).GetField(name)!.GetValue(null)!;
        Assert.That(value, Is.EqualTo(expected), $"WDIOC_{name.ToUpperInvariant()}");
    }

    [Test]
    public void NoWatchdogDevice_TryOpenGivesNull() =>
        Assert.That(LinuxHardwareWatchdog.TryOpen(_dir.Sub("no-such-watchdog")), Is.Null);

    [Test]
    public void HealthMonitor_PartSilentPastItsLimit_IsStalled_AndABeatRevivesIt()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        var monitor = new HealthMonitor(clock);
        using var a = monitor.Register("apps");
        using var b = monitor.Register("net", TimeSpan.FromSeconds(5));
        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.That(monitor.Stalled().Select(p => p.Name), Is.EqualTo(new[] { "net" }));
        b.Beat();
        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.That(monitor.Stalled(), Is.Empty, "a beat revives it");
        a.Beat();
        b.Dispose();
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.That(monitor.Stalled(), Is.Empty, "a part that ended on purpose is not hung");
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.That(monitor.Stalled().Single().Name, Is.EqualTo("apps"), "the default limit is 60 s");
    }

    [Test]
    public async Task StalledPart_IsReported_PettingStops_AndTheResetReasonIsReportedAfterReboot()
    {
        var persist = _dir.Sub("persist");
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var monitor = new HealthMonitor(clock);
        using var part = RegisterTheApps(monitor);
        var hw = new FakeHardwareWatchdog();
        var history = new BootHistory(persist, TimeProvider.System);
        history.ObserveBoot("boot-1");
        var reboot = new FakeReboot();
        var watchdog = new SoftwareWatchdog(monitor, hw, history, reboot,
            new WatchdogOptions { CheckInterval = TimeSpan.FromMilliseconds(10), HardwareTimeoutSeconds = 17, ReportDir = _dir.Sub("log") });
        var reports = new FakeReports();
        using var cts = new CancellationTokenSource();
        var run = watchdog.RunAsync(Context(reports, persist), cts.Token);
        try
        {
            await Eventually.WaitAsync(() => hw.KeepAlives >= 3, "petting while every part beats");
            Assert.That(hw.Timeout, Is.EqualTo(17));
            Assert.That(reports.DeviceInfo().HardwareWatchdogPresent, Is.True);

            clock.Advance(TimeSpan.FromSeconds(61)); // the part stops beating
            await run.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.That(watchdog.Tripped!.Single().Name, Is.EqualTo("apps"));
            int petted = hw.KeepAlives;
            Assert.That(hw.Disarmed, Is.False, "a hung box must be reset, not disarmed");
            Assert.That(reboot.Requested.IsCompleted, Is.False, "with a hardware watchdog the board resets by itself");
            var report = await File.ReadAllTextAsync(watchdog.LastReportFile!);
            Assert.That(report, Does.Contain("part apps: last heartbeat").And.Contain(nameof(RegisterTheApps)).And.Contain("OS threads"));

            // Restarted by the supervisor: it must not resume petting.
            await watchdog.RunAsync(Context(reports, persist), cts.Token);
            Assert.That(hw.KeepAlives, Is.EqualTo(petted));
        }
        finally
        {
            await cts.CancelAsync();
        }

        // The board resets; the next boot reports why.
        var after = new FakeReports();
        var node = new NodeAgent(new BootHistory(persist, TimeProvider.System), new FakeReboot(), "boot-2", new FakeHardwareWatchdog(resetByWatchdog: true));
        using var nodeRun = new CancellationTokenSource();
        var nodeTask = node.RunAsync(Context(after, persist), nodeRun.Token);
        try
        {
            await Eventually.WaitAsync(() => after.DeviceInfo().LastBootReason == BootReason.WatchdogHung, "watchdog reset reported");
            Assert.That(after.DeviceInfo().LastRebootReason, Does.Contain("apps silent for 61"));
        }
        finally
        {
            await nodeRun.CancelAsync();
            Assert.That(async () => await nodeTask, Throws.InstanceOf<OperationCanceledException>());
        }
    }

    [Test]
    public async Task NoHardwareWatchdog_StalledPart_AsksTheHostToReboot()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var monitor = new HealthMonitor(clock);
        using var part = monitor.Register("store", TimeSpan.FromSeconds(1));
        var history = new BootHistory(_dir.Sub("persist"), TimeProvider.System);
        var reboot = new FakeReboot();
        var watchdog = new SoftwareWatchdog(monitor, null, history, reboot,
            new WatchdogOptions { CheckInterval = TimeSpan.FromMilliseconds(10), ReportDir = _dir.Sub("log") });
        clock.Advance(TimeSpan.FromSeconds(2));
        await watchdog.RunAsync(Context(new FakeReports(), _dir.Sub("persist")), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(await reboot.Requested, Does.Contain("store silent"));
    }

    private static Heartbeat RegisterTheApps(HealthMonitor monitor) => monitor.Register("apps");

    private AgentContext Context(FakeReports reports, string persist) =>
        new(new AgentOptions { ConfigDir = _dir.Sub("config"), PersistDir = persist }, new ConfigHub(), reports, null!, null!,
            NullLoggerFactory.Instance, TimeProvider.System);
}
