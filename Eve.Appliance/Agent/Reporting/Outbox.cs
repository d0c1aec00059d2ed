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
    private readonly List<Entry> _held = [];
    private string? _writeFault;
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
    public int Pending => Entries().Count() + Held;

    /// <summary>A queued report: on disk at <see cref="Path"/>, or held in memory (<see cref="Payload"/>).</summary>
    private sealed record Entry(string Path, long Seq, string Action, string Key)
    {
        public byte[]? Payload { get; init; }
    }

    public void Enqueue(string action, ReadOnlySpan<byte> payload, string key = "")
    {
        lock (_lock)
        {
            if (key.Contains('~') || action.Contains('~'))
                throw new ArgumentException($"outbox action '{action}' and key '{key}' must not contain '~'");
            if (key != "")
                foreach (var old in Entries().Where(e => e.Action == action && e.Key == key)) File.Delete(old.Path);
            if (key != "") _held.RemoveAll(h => h.Action == action && h.Key == key);
            var seq = ++_seq;
            var name = $"{seq:D12}~{Escape(action)}~{Escape(key)}";
            try
            {
                AtomicFile.Write(Path.Combine(_dir, name), payload);
                if (_writeFault != null)
                {
                    _log.LogInformation("outbox: reports are written to {Dir} again ({Held} still held in memory until sent)", _dir, _held.Count);
                    _writeFault = null;
                }
            }
            catch (IOException e)
            {
                // Disk full (or read-only): the report still goes out, from memory; only a restart
                // before it is sent loses it (info is re-sent on start anyway).
                _held.Add(new Entry("", seq, action, key) { Payload = payload.ToArray() });
                if (_writeFault == null)
                    _log.LogError("outbox: cannot write the {Action} report to {Dir}: {Reason}; reports are kept in memory and sent from there until the disk takes writes again", action, _dir, e.Message);
                _writeFault = e.Message;
            }
        }
        _signal.Release();
    }

    /// <summary>Why the last report could not be written to disk; null when writes work.</summary>
    public string? WriteFault
    {
        get { lock (_lock) return _writeFault; }
    }

    /// <summary>Reports kept only in memory because the disk refused them.</summary>
    public int Held
    {
        get { lock (_lock) return _held.Count; }
    }

    /// <summary>Sends queued entries in order until the queue is empty or the controller is away.</summary>
    public async Task<bool> DrainAsync(DeviceSession session, CancellationToken ct)
    {
        List<Entry> queued;
        lock (_lock) queued = [.. Entries().Concat(_held).OrderBy(e => e.Seq)];
        foreach (var entry in queued)
        {
            _beat?.Beat(); // one post per beat: a long backlog is progress, not a hang
            byte[] payload;
            if (entry.Payload != null)
            {
                lock (_lock)
                    if (!_held.Contains(entry)) continue; // replaced by a newer report meanwhile
                payload = entry.Payload;
            }
            else
            {
                try { payload = await File.ReadAllBytesAsync(entry.Path, ct).ConfigureAwait(false); }
                catch (FileNotFoundException) { continue; } // replaced by a newer report meanwhile
            }
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
            if (entry.Payload != null && status is not (429 or 503))
            {
                // Held in memory: sent, or refused (nowhere to put it aside) — either way it is done.
                lock (_lock) _held.Remove(entry);
                if (status is >= 200 and < 300) Sent++;
                else
                {
                    Rejected++;
                    _log.LogWarning("outbox: controller refused {Action} with {Status}: {Reason}", entry.Action, status, System.Text.Encoding.UTF8.GetString(body).Trim());
                }
                continue;
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
