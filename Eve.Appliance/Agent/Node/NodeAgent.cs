using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Eve.Appliance.Agent.Watchdog;
using Eve.Appliance.Platform.Files;
using Microsoft.Extensions.Logging;
using Org.Lfedge.Eve.Config;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Agent.Node;

/// <summary>EVE's nodeagent part: works out why the previous boot ended and reports it
/// (lastRebootReason, lastRebootTime, last_boot_reason), and acts on the operator's DeviceOpsCmd
/// counters: `reboot` reboots, `reboot` with desiredState=false powers off, `shutdown` shuts down.
/// A counter acts when it differs from the one last acted on; the first config the device ever
/// sees only sets the baseline (a fresh device must not reboot because the counter is 3).
/// The new counter is persisted BEFORE acting, or the device would reboot forever.</summary>
internal sealed class NodeAgent(BootHistory history, IRebootController reboot, string bootId,
    IHardwareWatchdog? hardwareWatchdog = null, HealthMonitor? health = null) : IAgentSubsystem
{
    private int _handled;

    public string Name => "node";

    /// <summary>How many configs were handled (tests wait on it instead of sleeping).</summary>
    public int ConfigsHandled => Volatile.Read(ref _handled);

    public async Task RunAsync(AgentContext context, CancellationToken ct)
    {
        var log = context.Loggers.CreateLogger("Node");
        var last = history.ObserveBoot(bootId, hardwareWatchdog?.LastResetByWatchdog() ?? false);
        log.LogInformation("previous boot ended: {Reason} ({Text}) at {Time:O}", last.Reason, last.Text, last.Time);
        context.Reports.AddDeviceInfo(history.Contribute);
        context.Reports.DeviceInfoChanged();

        string countersFile = Path.Combine(context.Options.PersistDir, "status", "device-ops.json");
        using var beat = health?.Register(Name, TimeSpan.FromDays(3650)); // waits on config; never "hung"
        var changes = context.Hub.Subscribe();
        while (true)
        {
            var state = await changes.ReadAsync(ct).ConfigureAwait(false);
            beat?.Beat();
            var seen = ReadCounters(countersFile);
            var cfg = state.Config;
            var op = Decide(cfg, seen);
            var now = new JsonObject
            {
                ["reboot"] = cfg.Reboot?.Counter ?? 0,
                ["shutdown"] = cfg.Shutdown?.Counter ?? 0,
            };
            if (seen == null || op != null) AtomicFile.WriteText(countersFile, now.ToJsonString());
            if (op is not { } o)
            {
                Interlocked.Increment(ref _handled);
                continue;
            }
            log.LogWarning("operator asked for {Op} (counter changed); recording the reason and going down", o.Verb);
            history.RecordIntent(o.Reason, o.Text);
            switch (o.Verb)
            {
                case "reboot": await reboot.RebootAsync(o.Text, ct).ConfigureAwait(false); break;
                case "poweroff": await reboot.PowerOffAsync(o.Text, ct).ConfigureAwait(false); break;
                default: await reboot.ShutdownAsync(o.Text, ct).ConfigureAwait(false); break;
            }
            Interlocked.Increment(ref _handled);
        }
    }

    private static (string Verb, BootReason Reason, string Text)? Decide(EdgeDevConfig cfg, JsonObject? seen)
    {
        if (seen == null) return null; // baseline
        uint rebootCounter = cfg.Reboot?.Counter ?? 0, shutdownCounter = cfg.Shutdown?.Counter ?? 0;
        if (rebootCounter != ((uint?)seen["reboot"] ?? 0))
            return cfg.Reboot!.DesiredState || cfg.Reboot.Counter == 0
                ? ("reboot", BootReason.RebootCmd, string.Create(CultureInfo.InvariantCulture, $"reboot requested by the operator (reboot counter {rebootCounter})"))
                : ("poweroff", BootReason.PoweroffCmd, string.Create(CultureInfo.InvariantCulture, $"power off requested by the operator (reboot counter {rebootCounter}, desiredState false)"));
        if (shutdownCounter != ((uint?)seen["shutdown"] ?? 0))
            return ("shutdown", BootReason.PoweroffCmd, string.Create(CultureInfo.InvariantCulture, $"shutdown requested by the operator (shutdown counter {shutdownCounter})"));
        return null;
    }

    private static JsonObject? ReadCounters(string path)
    {
        try { return File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) as JsonObject : null; }
        catch (JsonException) { return null; }
    }
}
