using Eve.Appliance.Agent;
using Eve.Appliance.Agent.BaseOs;
using Eve.Appliance.Agent.Telemetry.Logs;
using Eve.Appliance.Agent.Node;
using Eve.Appliance.Controller;
using Eve.Appliance.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Eve.Appliance.Cli;

/// <summary>
/// `eve-appliance run`: the appliance. One process: the controller on loopback, and the agent
/// pointed at it through real HTTPS + the EVE protocol (no in-process shortcut), with the device's
/// /config and /persist under DATA/device.
/// </summary>
internal static class RunCommand
{
    public static async Task<ExitCode> RunAsync(Args args)
    {
        var dataDir = Path.GetFullPath(args.Require("data-dir"));
        var upstream = args.Get("controller");
        var controllerOptions = ControllerCommand.Options(args, dataDir) with
        {
            // The local controller hands its own device a short poll interval: nothing to protect.
            DefaultConfigIntervalSeconds = 10,
            DefaultConfigItems = new Dictionary<string, string> { ["timer.metric.interval"] = "30" },
        };
        var configDir = Path.Combine(dataDir, "device", "config");
        var persistDir = Path.Combine(dataDir, "device", "persist");
        var serial = args.Get("serial");
        var tpm = args.Get("tpm") ?? "auto";
        var bootDisk = args.Get("boot-disk");
        // The image's boot stage (images/appliance) names the slot it chose; GRUB would put it on the kernel command line.
        var bootPartition = args.Get("boot-partition");
        var hardwareWatchdog = args.Flag("hardware-watchdog");
        var appNetns = args.Get("app-netns");
        // Ports are managed only in a namespace named here; the embedded controller stays on loopback unless upstream.
        var connectivity = Agent.Connectivity.ConnectivitySubsystem.FromArgs(args.Get("mgmt-netns"), args.Get("usb-image"), persistDir, bindControllerTraffic: upstream != null);
        var logDrill = args.Get("log-drill");
        var logTimer = AgentCommand.Seconds(args.Get("log-interval")) ?? TimeSpan.FromSeconds(10);
        var metricsListen = args.Get("metrics-listen") is { } listen ? Controller.Admin.MetricsListener.Endpoint(listen, args.Flag("metrics-listen-any")) : null;
        var rebootFile = args.Get("reboot-file");
        var sshd = Agent.DebugAccess.SshdSettings.FromArg(args.Get("debug-ssh-listen"));
        args.EnsureAllUsed();

        // The local controller is next door: logs close and upload every 10 s, not EVE's 5 min / 90 s.
        using var spool = AgentLogSpool.Open(persistDir, logTimer);
        var builder = ServiceRegistration.NewHost(Path.Combine(dataDir, "logs"), spool);
        builder.Services.AddController(controllerOptions);
        builder.Services.AddHostedService(sp => new DeviceBootstrapper(sp.GetRequiredService<ControllerServer>(), dataDir, configDir, upstream != null));
        builder.Services.AddApps();
        builder.Services.AddMaintenanceMode();
        builder.Services.AddAgent(_ => new AgentOptions
        {
            ConfigDir = configDir,
            PersistDir = persistDir,
            Serial = serial,
            Tpm = tpm,
            Sshd = sshd,
            ControllerUrl = upstream != null ? new Uri(upstream) : null,
            ControllerHandler = connectivity != null ? connectivity.ConfigureControllerHandler : null,
            // The local controller is never far: back off at most a minute (EVE's 30 min is for a cloud).
            LogUpload = upstream == null ? new LogUploadPacing { Interval = logTimer, MaxBackoff = TimeSpan.FromMinutes(1) } : new LogUploadPacing(),
        }, spool);
        if (connectivity != null) builder.Services.AddSingleton<IAgentSubsystem>(connectivity);
        if (logDrill != null) builder.Services.AddHostedService(sp => LogDrill.FromArg(logDrill, sp.GetRequiredService<ILoggerFactory>()));
        if (metricsListen != null)
            builder.Services.AddHostedService(_ => Controller.Admin.MetricsListener.ForAdminSocket(metricsListen, dataDir));
        // Node health (reboots, A/B updates, watchdog) may reboot the machine, so it runs only on a
        // dedicated box, which names its A/B disk; a workstation running `make run` never reboots.
        if (bootDisk != null)
            builder.Services.AddNodeHealth(new Agent.BaseOs.BaseOsOptions { BootDisk = bootDisk, CurrentPartition = bootPartition }, hardwareWatchdog,
                sp => new EmbeddedControllerProbe(() => sp.GetRequiredService<ControllerServer>().DeviceApiUri,
                    Path.Combine(ControllerServer.BootstrapDir(dataDir), "root-certificate.pem")), rebootFile);
        else if (hardwareWatchdog)
            throw new UsageException("--hardware-watchdog needs --boot-disk (node health runs only on a dedicated appliance)");
        if (appNetns != null) builder.Services.AddNetworks(appNetns, Path.Combine(dataDir, "run", "networks"));
        using var host = builder.Build();
        await host.StartAsync().ConfigureAwait(false);
        var server = host.Services.GetRequiredService<ControllerServer>();
        var agent = host.Services.GetRequiredService<DeviceAgent>();
        var log = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Appliance");
        var self = Environment.ProcessPath ?? "eve-appliance";
        log.LogInformation("appliance up: controller {Uri}; operator CLI: {Self} ctl --data-dir {Data} devices", server.DeviceApiUri, self, dataDir);
        _ = agent.Onboarded.ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully)
                log.LogInformation("device {Id} onboarded; see it with: {Self} ctl --data-dir {Data} device show {Id}", t.Result, self, dataDir, t.Result);
        }, TaskScheduler.Default);
        await host.WaitForShutdownAsync().ConfigureAwait(false);
        return ExitCode.Ok;
    }

    /// <summary>Before the agent starts: give the local device the controller's bootstrap files
    /// (EVE's /config), keeping whatever the device already has except the server address.</summary>
    private sealed class DeviceBootstrapper(ControllerServer server, string dataDir, string configDir, bool upstream) : IHostedService
    {
        public Task StartAsync(CancellationToken ct)
        {
            if (upstream) return Task.CompletedTask; // the operator provides /config for an upstream controller
            var source = ControllerServer.BootstrapDir(dataDir);
            Directory.CreateDirectory(configDir);
            foreach (var file in Directory.GetFiles(source))
            {
                var dest = Path.Combine(configDir, Path.GetFileName(file));
                if (!File.Exists(dest) || Path.GetFileName(file) == "server")
                    Platform.Files.AtomicFile.Write(dest, File.ReadAllBytes(file), Path.GetFileName(file).EndsWith(".key.pem", StringComparison.Ordinal) ? UnixFileMode.UserRead | UnixFileMode.UserWrite : null);
            }
            _ = server;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    }
}
