using Eve.Appliance.Agent;
using Eve.Appliance.Agent.BaseOs;
using Eve.Appliance.Agent.Config;
using Eve.Appliance.Agent.Node;
using Eve.Appliance.Platform.Gpt;
using Eve.Appliance.Platform.Processes;
using Eve.Appliance.Tests.Platform.Gpt;
using Microsoft.Extensions.Logging.Abstractions;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Tests.Agent.BaseOs;

/// <summary>A device with an A/B disk image (sgdisk layout, factory squashfs 1.0 in IMGA) whose
/// "reboot" is: stop the running subsystems, run GRUB's gptprio (<see cref="BootSelector.BootAsync"/>)
/// on the image, and start the base-OS subsystem and node agent again on the partition it picked,
/// with a new kernel boot id. /persist and the config survive, as on the real device.</summary>
internal sealed class AbMachine : IAsyncDisposable
{
    private readonly TempDir _dir;
    private CancellationTokenSource? _run;
    private Task _tasks = Task.CompletedTask;
    private DesiredState? _config;
    private int _configGeneration;

    private AbMachine(TempDir dir) => _dir = dir;

    public string Disk => _dir.File("disk.img");
    public string PersistDir => _dir.File("persist");
    public string Dir => _dir.Path;
    public string Booted { get; private set; } = "";
    public ConfigHub Hub { get; private set; } = new();
    public FakeReports Reports { get; private set; } = new();
    public FakeReboot Reboot { get; private set; } = new();
    public BaseOsSubsystem BaseOs { get; private set; } = null!;
    public BootHistory History { get; private set; } = null!;

    /// <summary>Maintenance mode as the device sees it (survives "reboots", as the reasons would).</summary>
    public MaintenanceMode Maintenance { get; } = new();

    /// <summary>The gate the test controls (the other gates are real or absent).</summary>
    public volatile string? GateProblem;

    public Func<BaseOsOptions, BaseOsOptions> Configure { get; set; } = o => o;

    public static async Task<AbMachine> CreateAsync(string name)
    {
        var m = new AbMachine(new TempDir(name));
        await Sgdisk.CreateEveLayoutAsync(m.Disk);
        var (factory, _) = await SquashfsImage.BuildAsync(m.Dir, "1.0");
        using var dev = FileBlockDevice.Open(m.Disk, writable: true);
        var imga = (await GptReader.ReadAsync(dev)).Table.Find("IMGA")!.Value;
        await dev.WriteAsync((long)imga.FirstLba * 512, await File.ReadAllBytesAsync(factory));
        await dev.FlushAsync();
        return m;
    }

    /// <summary>Power on (or the boot after a reboot): GRUB picks, then the runtime starts.</summary>
    public async Task<string> BootAsync()
    {
        await StopAsync();
        using (var dev = FileBlockDevice.Open(Disk, writable: true)) Booted = (await BootSelector.BootAsync(dev)).Name;
        return Start(Guid.NewGuid().ToString());
    }

    /// <summary>The runtime restarts (crash, upgrade of the appliance) without a reboot: same
    /// partition, same kernel boot id.</summary>
    public async Task<string> RestartRuntimeAsync()
    {
        await StopAsync();
        return Start(_bootId);
    }

    private string _bootId = "";

    private string Start(string bootId)
    {
        _bootId = bootId;
        Hub = new ConfigHub();
        if (_config != null) Hub.Publish(_config); // the checkpointed config
        Reports = new FakeReports();
        Reboot = new FakeReboot();
        History = new BootHistory(PersistDir, TimeProvider.System);
        var options = Configure(new BaseOsOptions
        {
            BootDisk = Disk,
            CurrentPartition = Booted,
            TestWindow = TimeSpan.FromMilliseconds(300),
            FallbackTimeout = TimeSpan.FromMilliseconds(300),
            GateInterval = TimeSpan.FromMilliseconds(20),
            RetryInterval = TimeSpan.FromMilliseconds(200),
        });
        BaseOs = new BaseOsSubsystem(options, Reboot, History,
            _ => [HealthGates.Condition("test-gate", () => GateProblem)], new ImageVersionReader(ProcessRunner.Default));
        var node = new NodeAgent(History, Reboot, bootId);
        var context = new AgentContext(new AgentOptions { ConfigDir = _dir.File("config"), PersistDir = PersistDir },
            Hub, Reports, null!, null!, NullLoggerFactory.Instance, TimeProvider.System) { Maintenance = Maintenance };
        _run = new CancellationTokenSource();
        var ct = _run.Token;
        _tasks = Task.WhenAll(Task.Run(() => node.RunAsync(context, ct)), Task.Run(() => BaseOs.RunAsync(context, ct)));
        return Booted;
    }

    /// <summary>Publishes a config as the agent would after a poll (new hash each time).</summary>
    public void Apply(EdgeDevConfig config)
    {
        _config = new DesiredState(config, $"h{Interlocked.Increment(ref _configGeneration)}", "test", DateTimeOffset.UtcNow);
        Hub.Publish(_config);
    }

    /// <summary>Waits for the runtime to ask for a reboot, then reboots the image.</summary>
    public async Task<(string Reason, string Booted)> RebootWhenAskedAsync(double seconds = 60)
    {
        var reason = await WaitRebootAsync(seconds);
        return (reason, await BootAsync());
    }

    public async Task<string> WaitRebootAsync(double seconds = 60)
    {
        var done = await Task.WhenAny(Reboot.Requested, _tasks, Task.Delay(TimeSpan.FromSeconds(seconds)));
        if (done == _tasks) await _tasks; // surfaces the subsystem's exception
        if (done != Reboot.Requested)
            Assert.Fail($"no reboot was requested within {seconds} s; base-OS status {BaseOs.Report.Status}, error: {BaseOs.Report.LastError}");
        return await Reboot.Requested;
    }

    public async Task<BaseOsSlots> SlotsAsync()
    {
        using var dev = FileBlockDevice.Open(Disk, writable: false);
        return await BaseOsPartitionTable.ReadAsync(dev, Booted);
    }

    public static EdgeDevConfig BaseOsConfig(string imagePath, string sha256, string version, uint retry = 0, int forceFallback = 0)
    {
        var tree = Guid.NewGuid().ToString();
        var cfg = new EdgeDevConfig();
        cfg.ContentInfo.Add(new ContentTree { Uuid = tree, URL = new Uri(imagePath).AbsoluteUri, Sha256 = sha256, DisplayName = $"eve-{version}" });
        cfg.Baseos = new BaseOS { ContentTreeUuid = tree, BaseOsVersion = version, Activate = true, RetryUpdate = new DeviceOpsCmd { Counter = retry } };
        cfg.ConfigItems.Add(new ConfigItem { Key = "force.fallback.counter", Value = forceFallback.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        return cfg;
    }

    public async Task StopAsync()
    {
        if (_run == null) return;
        await _run.CancelAsync();
        try { await _tasks; }
        catch (OperationCanceledException) { }
        _run.Dispose();
        _run = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _dir.Dispose();
    }
}
