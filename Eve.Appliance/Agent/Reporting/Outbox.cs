using Eve.Appliance.Agent.ControllerConn;
using Eve.Appliance.Platform.Files;
using Microsoft.Extensions.Logging;

namespace Eve.Appliance.Agent.Reporting;

/// <summary>
/// A persisted, ordered queue of reports for the controller (info, logs). Each entry is one file
/// written crash-safely; it is deleted only after the controller acknowledged it with 2xx, so a
/// report is never lost to a restart or an absent controller. Entries with a key are latest-wins:
/// a new info for the same object replaces the unsent older one (EVE's behaviour while offline).
/// </summary>
internal sealed class Outbox
{
    private readonly string _dir;
    private readonly string _rejected;
    private readonly ILogger _log;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _signal = new(0);
    private long _seq;

    public Outbox(string persistDir, ILogger log)
    {
        _dir = Path.Combine(persistDir, "outbox");
        _rejected = Path.Combine(_dir, "rejected");
        _log = log;
        Directory.CreateDirectory(_dir);
        foreach (var f in Directory.EnumerateFiles(_dir, ".*.tmp")) File.Delete(f); // torn writes of a killed run
        _seq = Entries().Select(e => e.Seq).DefaultIfEmpty(0).Max();
    }

    public long Sent { get; private set; }
    public long Rejected { get; private set; }
    public int Pending => Entries().Count();

    private sealed record Entry(string Path, long Seq, string Action, string Key);

    public void Enqueue(string action, ReadOnlySpan<byte> payload, string key = "")
    {
        lock (_lock)
        {
            if (key.Contains('~') || action.Contains('~'))
                throw new ArgumentException($"outbox action '{action}' and key '{key}' must not contain '~'");
            if (key != "")
                foreach (var old in Entries().Where(e => e.Action == action && e.Key == key)) File.Delete(old.Path);
            var seq = ++_seq;
            var name = $"{seq:D12}~{Escape(action)}~{Escape(key)}";
            AtomicFile.Write(Path.Combine(_dir, name), payload);
        }
        _signal.Release();
    }

    /// <summary>Sends queued entries in order until the queue is empty or the controller is away.</summary>
    public async Task<bool> DrainAsync(DeviceSession session, CancellationToken ct)
    {
        foreach (var entry in Entries().ToList())
        {
            _beat?.Beat(); // one post per beat: a long backlog is progress, not a hang
            byte[] payload;
            try { payload = await File.ReadAllBytesAsync(entry.Path, ct).ConfigureAwait(false); }
            catch (FileNotFoundException) { continue; } // replaced by a newer report meanwhile
            int status;
            byte[] body;
            try
            {
                (status, body) = await session.PostAsync(entry.Action, payload, ct).ConfigureAwait(false);
            }
            catch (ControllerUnavailableException e)
            {
                _log.LogDebug("outbox: controller away ({Reason}); {Count} reports wait", e.Message, Pending);
                return false;
            }
            if (status is >= 200 and < 300)
            {
                File.Delete(entry.Path);
                Sent++;
                continue;
            }
            if (status is 429 or 503) return false;
            // A refusal will not change by resending: keep the report aside for a human, not in the way.
            Directory.CreateDirectory(_rejected);
            File.Move(entry.Path, Path.Combine(_rejected, Path.GetFileName(entry.Path)), overwrite: true);
            Rejected++;
            _log.LogWarning("outbox: controller refused {Action} with {Status}: {Reason}", entry.Action, status,
                System.Text.Encoding.UTF8.GetString(body).Trim());
        }
        return true;
    }

    /// <summary>The drain loop heartbeats here (name "outbox") so the watchdog sees a hung post.</summary>
    public Watchdog.HealthMonitor? Health { get; set; }

    private Watchdog.Heartbeat? _beat;

    public async Task RunAsync(DeviceSession session, TimeSpan retry, CancellationToken ct)
    {
        using var beat = _beat = Health?.Register("outbox");
        while (!ct.IsCancellationRequested)
        {
            beat?.Beat();
            if (session.DeviceId != null) await DrainAsync(session, ct).ConfigureAwait(false);
            beat?.Idle();
            await _signal.WaitAsync(retry, ct).ConfigureAwait(false);
        }
    }

    // File names cannot hold '/', which actions ("apps/instanceid/X/newlogs") and keys ("app/UUID") do.
    private static string Escape(string s) => s.Replace('/', '+');

    private static string Unescape(string s) => s.Replace('+', '/');

    private IEnumerable<Entry> Entries()
    {
        foreach (var path in Directory.EnumerateFiles(_dir).Order(StringComparer.Ordinal))
        {
            var parts = Path.GetFileName(path).Split('~');
            if (parts.Length != 3 || !long.TryParse(parts[0], out var seq)) continue;
            yield return new Entry(path, seq, Unescape(parts[1]), Unescape(parts[2]));
        }
    }
}
