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
/// The new counter is persisted BEFORE acting, or the device would reboot forever.
/// It also reboots (reason Disconnect) when the controller has not answered for
/// `timer.reboot.no.network` (<see cref="NoNetworkReboot"/>).</summary>
internal sealed class NodeAgent(BootHistory history, IRebootController reboot, string bootId,
    IHardwareWatchdog? hardwareWatchdog = null, HealthMonitor? health = null, NodeOptions? options = null) : IAgentSubsystem
{
    private readonly NodeOptions _options = options ?? new NodeOptions();
    private readonly SemaphoreSlim _going = new(1, 1);
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

        // Two loops; when one fails the other is stopped, so the supervisor's restart runs one of each.
        using var both = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var noNetwork = WatchControllerContactAsync(context, log, both.Token);
        var commands = FollowCommandsAsync(context, log, both.Token);
        var first = await Task.WhenAny(noNetwork, commands).ConfigureAwait(false);
        if (first.IsFaulted) await both.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(noNetwork, commands).ConfigureAwait(false);
    }

    private async Task FollowCommandsAsync(AgentContext context, ILogger log, CancellationToken ct)
    {
        string countersFile = Path.Combine(context.Options.PersistDir, "status", "device-ops.json");
        using var beat = (health ?? context.Health)?.Register(Name);
        var changes = context.Hub.Subscribe();
        while (true)
        {
            beat?.Idle();
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
            await GoDownAsync(o.Verb, o.Reason, o.Text, ct).ConfigureAwait(false);
            Interlocked.Increment(ref _handled);
        }
    }

    /// <summary>timer.reboot.no.network, checked every <see cref="NodeOptions.NoNetworkCheckInterval"/>.</summary>
    private async Task WatchControllerContactAsync(AgentContext context, ILogger log, CancellationToken ct)
    {
        var started = context.Time.GetUtcNow();
        using var timer = new PeriodicTimer(_options.NoNetworkCheckInterval, context.Time);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            var limit = _options.RebootNoNetwork
                ?? TimeSpan.FromSeconds(context.Hub.Current?.ItemInt("timer.reboot.no.network", (int)NodeOptions.DefaultRebootNoNetwork.TotalSeconds)
                    ?? NodeOptions.DefaultRebootNoNetwork.TotalSeconds);
            if (NoNetworkReboot.Due(context.Time.GetUtcNow(), started, context.LastControllerContact(), limit) is not { } why) continue;
            log.LogWarning("{Reason}", why);
            await GoDownAsync("reboot", BootReason.Disconnect, why, ct).ConfigureAwait(false);
            return;
        }
    }

    /// <summary>The one way down: the reason is durable before the host is asked to act.</summary>
    private async Task GoDownAsync(string verb, BootReason reason, string text, CancellationToken ct)
    {
        await _going.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            history.RecordIntent(reason, text);
            switch (verb)
            {
                case "reboot": await reboot.RebootAsync(text, ct).ConfigureAwait(false); break;
                case "poweroff": await reboot.PowerOffAsync(text, ct).ConfigureAwait(false); break;
                default: await reboot.ShutdownAsync(text, ct).ConfigureAwait(false); break;
            }
        }
        finally
        {
            _going.Release();
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
