using Eve.Appliance.Agent;
using Eve.Appliance.Agent.BaseOs;
using Eve.Appliance.Agent.Config;
using Eve.Appliance.Agent.Node;
using Eve.Appliance.Tests.Agent.BaseOs;
using Eve.Appliance.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Org.Lfedge.Eve.Config;
using Org.Lfedge.Eve.Info;
using S = Eve.Appliance.Agent.BaseOs.EvePartitionState;

namespace Eve.Appliance.Tests.Agent.Node;

/// <summary>Maintenance mode's three sources (controller config, local request file, low disk),
/// what device info says about them, and that a base-OS update waits while it lasts (on a real A/B
/// disk image). The apps half (a running VM halted and started again) is in
/// AppsContentEndToEndTests.</summary>
[TestFixture]
public sealed class MaintenanceModeTests
{
    private TempDir _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDir("maint");

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public async Task ControllerRequest_LocalRequest_AndLowDisk_EachPutTheDeviceInMaintenance_WithEveryReasonInInfo()
    {
        var persist = _dir.Sub("persist");
        long free = 10L << 30;
        var mode = new MaintenanceMode();
        var maintenance = new MaintenanceSubsystem(mode, new MaintenanceOptions
        {
            CheckInterval = TimeSpan.FromMilliseconds(50),
            MinFreeBytes = 1L << 30,
            FreeBytes = _ => Interlocked.Read(ref free),
        });
        var hub = new ConfigHub();
        var reports = new FakeReports();
        var republished = hub.Subscribe();
        using var cts = new CancellationTokenSource();
        var run = maintenance.RunAsync(Context(hub, reports, persist), cts.Token);
        try
        {
            hub.Publish(State("h1", maintenance: false));
            await Eventually.WaitAsync(() => maintenance.Evaluations >= 2, "first evaluations");
            Assert.That(reports.DeviceInfo().MaintenanceMode, Is.False);
            Assert.That(reports.DeviceInfo().State, Is.EqualTo(ZDeviceState.Unspecified), "not in maintenance: the device state is left to the others");

            hub.Publish(State("h2", maintenance: true));
            await Eventually.WaitAsync(() => reports.DeviceInfo().MaintenanceMode, "controller's request");
            var info = reports.DeviceInfo();
            Assert.That(info.MaintenanceModeReasons, Is.EqualTo(new[] { MaintenanceModeReason.UserRequested }));
            Assert.That((info.MaintenanceModeReason, info.State), Is.EqualTo((MaintenanceModeReason.UserRequested, ZDeviceState.MaintenanceMode)));
            Assert.That(mode.Describe(), Does.Contain("config maintenance_mode"));
            // The config is re-published so the apps and base OS act at once.
            var seen = new List<string>();
            while (republished.TryRead(out var s)) seen.Add(s.Hash);
            Assert.That(seen, Does.Contain("h2"));

            Directory.CreateDirectory(Path.Combine(persist, "status"));
            File.WriteAllText(Path.Combine(persist, "status", "maintenance-mode"), "replacing the fan\n");
            Interlocked.Exchange(ref free, 100L << 20);
            await Eventually.WaitAsync(() => mode.Reasons.Count == 3, () => $"three reasons (now: {mode.Describe()})");
            Assert.That(mode.Reasons.Select(r => r.Code), Is.EqualTo(new[]
            {
                MaintenanceModeReason.UserRequested, MaintenanceModeReason.UserRequested, MaintenanceModeReason.LowDiskSpace,
            }));
            Assert.That(mode.Describe(), Does.Contain("replacing the fan").And.Contain("100 MiB free, below 1024 MiB"));
            Assert.That(reports.DeviceInfo().MaintenanceModeReasons, Is.EqualTo(new[] { MaintenanceModeReason.UserRequested, MaintenanceModeReason.LowDiskSpace }));

            hub.Publish(State("h3", maintenance: false));
            File.Delete(Path.Combine(persist, "status", "maintenance-mode"));
            Interlocked.Exchange(ref free, 10L << 30);
            await Eventually.WaitAsync(() => !reports.DeviceInfo().MaintenanceMode, "out of maintenance mode");
            Assert.That(reports.DeviceInfo().MaintenanceModeReasons, Is.Empty);
        }
        finally
        {
            await cts.CancelAsync();
            Assert.That(async () => await run, Throws.InstanceOf<OperationCanceledException>());
        }
    }

    [Test]
    public void RealStatvfs_BelowTheThreshold_IsLowDisk()
    {
        var persist = _dir.Sub("persist");
        var subsystem = new MaintenanceSubsystem(new MaintenanceMode(), new MaintenanceOptions { MinFreeBytes = long.MaxValue });
        var reasons = subsystem.Evaluate(null, Path.Combine(persist, "none"), persist);
        Assert.That(reasons.Single().Code, Is.EqualTo(MaintenanceModeReason.LowDiskSpace));
        Assert.That(subsystem.Evaluate(null, Path.Combine(persist, "none"), persist) is var again && again.Count == 1, Is.True);
        Assert.That(new MaintenanceSubsystem(new MaintenanceMode(), new MaintenanceOptions { MinFreeBytes = 1 })
            .Evaluate(null, Path.Combine(persist, "none"), persist), Is.Empty, "this machine's disk has a free byte");
    }

    [Test]
    public async Task BaseOsUpdate_IsHeldInMaintenanceMode_AndGoesAheadWhenItEnds()
    {
        await using var m = await AbMachine.CreateAsync("maint-baseos");
        m.Maintenance.Set([new MaintenanceReason(MaintenanceModeReason.UserRequested, "the controller asked for maintenance mode (config maintenance_mode)")]);
        await m.BootAsync();
        var (image, sha) = await SquashfsImage.BuildAsync(m.Dir, "2.0");
        m.Apply(AbMachine.BaseOsConfig(image, sha, "2.0"));
        await Eventually.WaitAsync(() => m.BaseOs.Report.LastError?.Contains("held", StringComparison.Ordinal) == true, "update held");
        Assert.That(m.BaseOs.Report.LastError, Does.Contain("update to 2.0 held: the device is in maintenance mode (the controller asked"));
        Assert.That(await m.SlotsAsync(), Is.EqualTo(new BaseOsSlots(S.Active, S.Unused)), "nothing written");
        Assert.That(m.Reboot.Requested.IsCompleted, Is.False);

        m.Maintenance.Set([]);
        m.Hub.Publish(m.Hub.Current!); // what the maintenance subsystem does when the mode changes
        Assert.That(await m.WaitRebootAsync(), Does.Contain("base image update 1.0 -> 2.0"));
        Assert.That(await m.SlotsAsync(), Is.EqualTo(new BaseOsSlots(S.Active, S.Updating)));
    }

    private static DesiredState State(string hash, bool maintenance) =>
        new(new EdgeDevConfig { MaintenanceMode = maintenance }, hash, "test", DateTimeOffset.UtcNow);

    private AgentContext Context(ConfigHub hub, FakeReports reports, string persist) =>
        new(new AgentOptions { ConfigDir = _dir.Sub("config"), PersistDir = persist }, hub, reports, null!, null!,
            NullLoggerFactory.Instance, TimeProvider.System);
}
