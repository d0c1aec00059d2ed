using System.Text.Json;
using System.Text.Json.Nodes;
using Eve.Appliance.Platform.Files;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Agent.Node;

/// <summary>Why the previous boot ended, kept across reboots in /persist/status. Whoever restarts
/// the device (operator command, update, fallback, watchdog) records its intent BEFORE acting;
/// at the next start the intent becomes "the last reboot reason". No intent on a new boot means
/// the previous one ended without asking: a power loss (or a kernel crash, which looks the same
/// from here), unless the hardware watchdog says it reset the board.
/// A new boot is told from an agent restart by the kernel's boot id.</summary>
internal sealed class BootHistory(string persistDir, TimeProvider time)
{
    private readonly string _intentFile = Path.Combine(persistDir, "status", "reboot-intent.json");
    private readonly string _historyFile = Path.Combine(persistDir, "status", "boot-history.json");
    private readonly Lock _lock = new();

    /// <summary>How the previous boot ended; null before <see cref="ObserveBoot"/>.</summary>
    public BootRecord? LastBoot { get; private set; }

    /// <summary>The kernel's id for this boot (changes on every boot, not on a process restart).</summary>
    public static string KernelBootId() =>
        File.Exists("/proc/sys/kernel/random/boot_id") ? File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim() : "";

    /// <summary>Records why the device is about to go down; durable before it returns.</summary>
    public void RecordIntent(BootReason reason, string text)
    {
        lock (_lock) AtomicFile.WriteText(_intentFile, new BootRecord(reason, text, time.GetUtcNow()).ToJson().ToJsonString());
    }

    /// <summary>Called once per agent start: works out how the previous boot ended.</summary>
    public BootRecord ObserveBoot(string bootId, bool watchdogReset = false)
    {
        lock (_lock)
        {
            var history = Read(_historyFile) as JsonObject;
            if (history != null && (string?)history["bootId"] == bootId && BootRecord.FromJson(history["previous"]) is { } same)
                return LastBoot = same; // the agent restarted; the machine did not

            var intent = BootRecord.FromJson(Read(_intentFile));
            var now = time.GetUtcNow();
            BootRecord previous = intent
                ?? (watchdogReset ? new BootRecord(BootReason.WatchdogHung, "the hardware watchdog reset the board (WDIOF_CARDRESET)", now)
                : history != null ? new BootRecord(BootReason.PowerFail, "the previous boot ended without a recorded reboot: power loss or a kernel crash", now)
                : new BootRecord(BootReason.First, "first boot of this device", now));
            if (intent != null && watchdogReset && intent.Reason != BootReason.WatchdogHung)
                previous = previous with { Text = previous.Text + "; the hardware watchdog then reset the board before the reboot finished" };
            AtomicFile.WriteText(_historyFile, new JsonObject { ["bootId"] = bootId, ["previous"] = previous.ToJson() }.ToJsonString());
            if (File.Exists(_intentFile)) File.Delete(_intentFile);
            return LastBoot = previous;
        }
    }

    /// <summary>Fills the ZInfoDevice fields EVE uses for this.</summary>
    public void Contribute(ZInfoDevice info)
    {
        if (LastBoot is not { } b) return;
        info.LastRebootReason = b.Text;
        info.LastRebootTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(b.Time);
        info.LastBootReason = b.Reason;
    }

    private static JsonNode? Read(string path)
    {
        try { return File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) : null; }
        catch (JsonException) { return null; } // a torn or foreign file counts as absent
    }
}
