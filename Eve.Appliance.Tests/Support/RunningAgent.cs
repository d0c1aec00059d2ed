using Eve.Appliance.Agent;
using Eve.Appliance.Agent.Config;
using Eve.Appliance.Agent.Telemetry.Logs;
using Microsoft.Extensions.Logging;

namespace Eve.Appliance.Tests.Support;

/// <summary>The real device agent, in-process, with EVE's timers shortened for tests.</summary>
internal sealed class RunningAgent : IAsyncDisposable
{
    private readonly ILoggerFactory _loggers;

    private RunningAgent(DeviceAgent agent, AgentOptions options, AgentLogSpool spool, ILoggerFactory loggers)
    {
        Agent = agent;
        Options = options;
        Spool = spool;
        _loggers = loggers;
    }

    public DeviceAgent Agent { get; }

    /// <summary>The agent's on-disk log spool (persist/newlog), fed by its loggers and app consoles.</summary>
    public AgentLogSpool Spool { get; }
    public AgentOptions Options { get; }
    public ConfigHub Hub => Agent.Hub;

    /// <summary>Copies a controller's bootstrap folder into <paramref name="configDir"/> (EVE's /config).</summary>
    public static void Provision(string bootstrapDir, string configDir)
    {
        Directory.CreateDirectory(configDir);
        foreach (var f in Directory.GetFiles(bootstrapDir)) File.Copy(f, Path.Combine(configDir, Path.GetFileName(f)), overwrite: true);
    }

    public static async Task<RunningAgent> StartAsync(string configDir, string persistDir, string serial, Func<AgentOptions, AgentOptions>? configure = null,
        IEnumerable<IAgentSubsystem>? subsystems = null, Eve.Appliance.Agent.Watchdog.HealthMonitor? health = null,
        Eve.Appliance.Agent.Node.MaintenanceMode? maintenance = null)
    {
        var options = new AgentOptions
        {
            ConfigDir = configDir,
            PersistDir = persistDir,
            Serial = serial,
            ConfigIntervalOverride = TimeSpan.FromSeconds(1),
            MetricsIntervalOverride = TimeSpan.FromSeconds(1),
            RetryInterval = TimeSpan.FromMilliseconds(500),
            LogUpload = new LogUploadPacing { Interval = TimeSpan.FromMilliseconds(500), MinInterval = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromSeconds(2) },
            RequestTimeout = TimeSpan.FromSeconds(10),
        };
        if (configure != null) options = configure(options);
        // The agent's own log lines go through its spool (segments close after 1 s) to the controller.
        var spool = AgentLogSpool.Open(persistDir, TimeSpan.FromSeconds(1));
        var loggers = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(spool.LoggerProvider));
        var agent = new DeviceAgent(options, new ConfigHub(), loggers, TimeProvider.System, spool, subsystems, health, maintenance);
        await agent.StartAsync(CancellationToken.None);
        return new RunningAgent(agent, options, spool, loggers);
    }

    public async ValueTask DisposeAsync()
    {
        await Agent.StopAsync(CancellationToken.None);
        Agent.Dispose();
        _loggers.Dispose();
        Spool.Dispose();
    }
}
