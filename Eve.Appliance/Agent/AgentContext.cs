using Eve.Appliance.Agent.Config;
using Eve.Appliance.Agent.ControllerConn;
using Eve.Appliance.Agent.Identity;
using Microsoft.Extensions.Logging;
using Org.Lfedge.Eve.Info;
using Org.Lfedge.Eve.Metrics;

namespace Eve.Appliance.Agent;

/// <summary>What a device subsystem (apps, networks, base OS, …) gets from the agent: the desired
/// state, a way to report, and the device's identity and folders. Subsystems never call the
/// controller themselves except through <see cref="Session"/> (e.g. to download from the
/// controller's built-in datastore with the device's trust roots).</summary>
internal sealed record AgentContext(
    AgentOptions Options,
    ConfigHub Hub,
    IReportSink Reports,
    DeviceSession Session,
    IDeviceKey Key,
    ILoggerFactory Loggers,
    TimeProvider Time)
{
    /// <summary>When the controller last answered a config poll (null: never since start). Health
    /// gates use it as EVE's "can the new image reach its controller" test.</summary>
    public Func<DateTimeOffset?> LastControllerContact { get; init; } = () => null;

    /// <summary>Opens secrets the controller encrypted for this device (CipherBlocks in config).</summary>
    public ObjectCrypto.IObjectDecryptor? Decryptor { get; init; }

    /// <summary>Where long-running loops heartbeat (null when node health is off): register once,
    /// Beat() when busy, Idle() before waiting for work.</summary>
    public Watchdog.HealthMonitor? Health { get; init; }

    /// <summary>Maintenance mode (null: never): the apps stop and base-OS updates wait while active.</summary>
    public Node.MaintenanceMode? Maintenance { get; init; }
}

/// <summary>A long-running part of the device runtime, started by the agent right after the
/// checkpointed config is loaded (so apps come back even when the controller is away) and
/// supervised: an exception is logged and the part restarted after a back-off.</summary>
internal interface IAgentSubsystem
{
    string Name { get; }

    Task RunAsync(AgentContext context, CancellationToken ct);
}

/// <summary>Where subsystems send what they report. Info is latest-wins per key and persisted
/// until the controller acknowledges it; metric contributors are asked on every metrics tick.</summary>
internal interface IReportSink
{
    /// <summary>Queues an info message; <paramref name="key"/> names the object (e.g. "app/UUID"),
    /// so a newer info for the same object replaces an unsent older one.</summary>
    void PublishInfo(ZInfoMsg info, string key);

    /// <summary>Adds a contributor that fills its part (am, nm, vm…) of each ZMetricMsg.</summary>
    void AddMetrics(Action<ZMetricMsg> contributor);

    /// <summary>Adds a contributor that fills its fields (swList, lastRebootReason…) of each
    /// ZInfoDevice the agent sends.</summary>
    void AddDeviceInfo(Action<ZInfoDevice> contributor);

    /// <summary>Says a contributor's part of device info changed, so it is sent now rather than on
    /// the next config change or timer.</summary>
    void DeviceInfoChanged();

    /// <summary>Queues an app's console lines as app logs (newlogs under apps/instanceid/{app}).</summary>
    void PublishAppLogs(Guid app, string appName, IReadOnlyList<string> lines);

    /// <summary>Queues app flow records for the controller's /flowlog (persisted like info).</summary>
    void PublishFlowLog(Org.Lfedge.Eve.Flowlog.FlowMessage flows) { }
}
