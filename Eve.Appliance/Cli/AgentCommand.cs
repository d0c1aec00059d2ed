using Eve.Appliance.Agent;
using Eve.Appliance.Agent.Telemetry.Logs;
using Eve.Appliance.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Eve.Appliance.Cli;

/// <summary>`eve-appliance agent`: only the device runtime, against any EVE controller.</summary>
internal static class AgentCommand
{
    public static async Task<ExitCode> RunAsync(Args args)
    {
        var options = new AgentOptions
        {
            ConfigDir = Path.GetFullPath(args.Require("config-dir")),
            PersistDir = Path.GetFullPath(args.Require("persist-dir")),
            Serial = args.Get("serial"),
            ControllerUrl = args.Get("controller") is { } url ? new Uri(url) : null,
            ConfigIntervalOverride = Seconds(args.Get("config-interval")),
            MetricsIntervalOverride = Seconds(args.Get("metric-interval")),
            Tpm = args.Get("tpm") ?? "auto",
            Sshd = Agent.DebugAccess.SshdSettings.FromArg(args.Get("debug-ssh-listen")),
        };
        var connectivity = Agent.Connectivity.ConnectivitySubsystem.FromArgs(args.Get("mgmt-netns"), args.Get("usb-image"), options.PersistDir, bindControllerTraffic: true);
        options = options with { ControllerHandler = connectivity != null ? connectivity.ConfigureControllerHandler : null };
        var logDrill = args.Get("log-drill");
        args.EnsureAllUsed();
        // EVE's timers: segments close after 5 minutes, uploads every 90 s (faster with a backlog).
        using var spool = AgentLogSpool.Open(options.PersistDir, TimeSpan.FromMinutes(5));
        var builder = ServiceRegistration.NewHost(Path.Combine(options.PersistDir, "logs"), spool);
        builder.Services.AddApps();
        if (connectivity != null) builder.Services.AddSingleton<IAgentSubsystem>(connectivity);
        Agent.Node.MaintenanceServices.AddMaintenanceMode(builder.Services);
        builder.Services.AddAgent(_ => options, spool);
        if (logDrill != null) builder.Services.AddHostedService(sp => LogDrill.FromArg(logDrill, sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>()));
        using var host = builder.Build();
        await host.RunAsync().ConfigureAwait(false);
        return ExitCode.Ok;
    }

    public static TimeSpan? Seconds(string? value) =>
        value == null ? null
        : double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0 ? TimeSpan.FromSeconds(s)
        : throw new UsageException($"'{value}' is not a number of seconds");
}
