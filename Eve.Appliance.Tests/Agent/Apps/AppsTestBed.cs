using System.Text.Json.Nodes;
using Eve.Appliance.Agent.Apps;
using Eve.Appliance.Agent.Content;
using Eve.Appliance.Agent.Node;
using Eve.Appliance.Api;
using Eve.Appliance.Cli;
using Eve.Appliance.Platform.Qemu;
using Eve.Appliance.Tests.Support;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Tests.Agent.Apps;

/// <summary>The real controller and agent in-process, the agent running the apps subsystem with
/// short timers. Dispose stops both, then kills every QEMU whose pidfile is in the bed's run
/// folder (by pid and start time, only if its command line names that folder).</summary>
internal sealed class AppsTestBed : IAsyncDisposable
{
    private readonly TempDir _dir;
    private readonly Func<Eve.Appliance.Agent.Networks.NetworksSubsystem>? _networks;
    private RunningAgent? _agent;

    private AppsTestBed(TempDir dir, RunningController controller, AppsOptions options, Func<Eve.Appliance.Agent.Networks.NetworksSubsystem>? networks)
    {
        _dir = dir;
        Controller = controller;
        Options = options;
        _networks = networks;
    }

    public RunningController Controller { get; }
    public AppsOptions Options { get; }
    public AppsSubsystem Apps { get; private set; } = null!;
    /// <summary>The agent's networks part when the bed was given one (VM NICs on real network instances).</summary>
    public Eve.Appliance.Agent.Networks.NetworksSubsystem? Networks { get; private set; }
    public MaintenanceMode Maintenance { get; } = new();
    public string DeviceId { get; private set; } = "";
    public string PersistDir => _dir.Sub("persist");
    public string AppsDir => Options.Dir!;
    public string RunDir => Options.RunDir!;

    public static async Task<AppsTestBed> StartAsync(string name, Func<AppsOptions, AppsOptions>? configure = null,
        Func<Eve.Appliance.Agent.Networks.NetworksSubsystem>? networks = null)
    {
        var dir = new TempDir("eva");
        RunningController controller;
        try
        {
            controller = await RunningController.StartAsync(dir.Sub("controller"));
        }
        catch
        {
            dir.Dispose();
            throw;
        }
        RunningAgent.Provision(controller.BootstrapDir, dir.Sub("config"));
        var options = new AppsOptions
        {
            Dir = dir.Sub("persist", "apps"),
            RunDir = dir.Sub("run"),
            RetryInterval = TimeSpan.FromSeconds(1),
            CrashRestartDelay = TimeSpan.FromMilliseconds(200),
            ConsolePollInterval = TimeSpan.FromMilliseconds(200),
            StatsInterval = TimeSpan.FromSeconds(1),
            PowerdownTimeout = TimeSpan.FromSeconds(10),
            Downloader = new DownloaderOptions { MaxAttempts = 2, InitialBackoff = TimeSpan.FromMilliseconds(100), StallTimeout = TimeSpan.FromSeconds(10) },
            Qemu = new QemuSupervisorOptions { PollInterval = TimeSpan.FromMilliseconds(200) },
        };
        if (configure != null) options = configure(options);
        var bed = new AppsTestBed(dir, controller, options, networks);
        try
        {
            await bed.StartAgentAsync(name);
        }
        catch
        {
            await bed.DisposeAsync();
            throw;
        }
        return bed;
    }

    public async Task StartAgentAsync(string serial)
    {
        Networks = _networks?.Invoke();
        Apps = new AppsSubsystem(Options, Networks?.Attachment);
        // Maintenance mode from the config only (no low-disk reason on a full build machine).
        var maintenance = new MaintenanceSubsystem(Maintenance, new MaintenanceOptions { MinFreeBytes = 0 });
        _agent = await RunningAgent.StartAsync(_dir.Sub("config"), PersistDir, serial,
            subsystems: Networks is null ? [Apps, maintenance] : [Apps, Networks, maintenance], maintenance: Maintenance);
        DeviceId = await _agent.Agent.Onboarded.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async Task StopAgentAsync()
    {
        if (_agent != null) await _agent.DisposeAsync();
        _agent = null;
    }

    public async Task<JsonNode> AddImageAsync(string file)
    {
        using var admin = new AdminClient(Controller.DataDir);
        return (await admin.PostAsync("admin/images", new { path = file }))!;
    }

    public async Task<EdgeDevConfig> GetConfigAsync()
    {
        using var admin = new AdminClient(Controller.DataDir);
        var json = (await admin.GetAsync($"admin/devices/{DeviceId}/config"))!["config"]!.ToJsonString();
        return ProtoRegistry.CanonicalJsonParser.Parse<EdgeDevConfig>(json);
    }

    public async Task SetConfigAsync(Action<EdgeDevConfig> change)
    {
        var config = await GetConfigAsync();
        change(config);
        using var admin = new AdminClient(Controller.DataDir);
        await admin.PutTextAsync($"admin/devices/{DeviceId}/config", ProtoRegistry.CanonicalJson.Format(config));
    }

    /// <summary>The controller's latest ZInfoApp of an app (null until it has one).</summary>
    public Task<JsonNode?> AppInfoAsync(Guid app) => InfoAsync("ZiApp", app, "ainfo");

    public async Task<JsonNode?> InfoAsync(string kind, Guid id, string member)
    {
        using var admin = new AdminClient(Controller.DataDir);
        var all = (await admin.GetAsync($"admin/devices/{DeviceId}/info"))!.AsArray();
        return all.FirstOrDefault(i => i!["kind"]!.GetValue<string>() == kind && i["objectId"]!.GetValue<string>() == id.ToString())?["message"]?[member];
    }

    public async Task<IReadOnlyList<string>> AppLogLinesAsync(Guid app)
    {
        using var admin = new AdminClient(Controller.DataDir);
        var logs = (await admin.GetAsync($"admin/devices/{DeviceId}/logs?limit=10000"))!.AsArray();
        return logs.Where(l => l!["appId"]?.GetValue<string>() == app.ToString()).Select(l => l!["content"]!.GetValue<string>()).ToList();
    }

    public static string? State(JsonNode? ainfo) => ainfo?["state"]?.GetValue<string>();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAgentAsync();
            await Controller.DisposeAsync();
        }
        finally
        {
            KillLeftoverVms(RunDir);
            _dir.Dispose();
            if (Directory.Exists(RunDir)) Directory.Delete(RunDir, recursive: true);
        }
    }

    public static void KillLeftoverVms(string runDir)
    {
        if (!Directory.Exists(runDir)) return;
        foreach (var pidFile in Directory.GetFiles(runDir, "*.pid"))
        {
            if (!int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) || ProcStat.TryRead(pid) is not { IsGone: false } stat) continue;
            if (!LinuxProcess.ReadCmdline(pid).Any(a => a.Contains(runDir, StringComparison.Ordinal))) continue;
            LinuxProcess.Kill(pid, stat.StartTicks);
            for (var i = 0; i < 100 && LinuxProcess.IsAlive(pid, stat.StartTicks); i++) Thread.Sleep(50);
        }
    }
}
