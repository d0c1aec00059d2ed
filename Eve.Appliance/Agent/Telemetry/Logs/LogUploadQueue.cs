using Eve.Appliance.Platform.Files;
using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Logs;

namespace Eve.Appliance.Agent.Telemetry.Logs;

/// <summary>The upload side of the spool: chunks in pending/ (oldest first), sent ones in sent/ or gone,
/// a fsynced list of sent ids so a chunk re-packed after a crash is never emitted again, and the disk
/// quota (oldest sent first, then oldest unsent; every drop counted and reported as a log entry).
/// Thread-safe.</summary>
internal sealed class LogUploadQueue
{
    private const string SentLogName = "sent-ids";

    private readonly LogSpoolOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly HashSet<LogChunkId> _sentIds = [];
    private readonly Queue<LogEntry> _dropNotices = new();
    private readonly string _sentLogPath;

    public LogUploadQueue(LogSpoolOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        PendingDir = Path.Combine(options.Directory, "pending");
        SentDir = Path.Combine(options.Directory, "sent");
        var stateDir = Path.Combine(options.Directory, "state");
        foreach (var d in new[] { PendingDir, SentDir, stateDir }) Directory.CreateDirectory(d);
        _sentLogPath = Path.Combine(stateDir, SentLogName);
        RejectedDir = Path.Combine(options.Directory, "rejected");
        QuotaBytes = options.QuotaBytes;
        LoadSentIds();
        foreach (var tmp in Directory.GetFiles(PendingDir, "*.tmp")) File.Delete(tmp); // a pack cut short
        // A crash between recording "sent" and moving the file leaves it pending: finish the move now.
        foreach (var c in List(PendingDir).Where(c => _sentIds.Contains(c.Id))) MarkSent(c);
    }

    public string PendingDir { get; }

    public string SentDir { get; }

    /// <summary>Chunks the controller refused again and again, kept aside for a human (the newest few).</summary>
    public string RejectedDir { get; }

    /// <summary>Bytes of pending + sent chunks allowed on disk; starts at <see cref="LogSpoolOptions.QuotaBytes"/>
    /// and follows newlog.gzipfiles.ondisk.maxmegabytes when the config changes.</summary>
    public long QuotaBytes { get; set; }

    public long RejectedChunks { get; private set; }

    public long DroppedSentChunks { get; private set; }

    public long DroppedUnsentChunks { get; private set; }

    public long DroppedUnsentBytes { get; private set; }

    /// <summary>Highest segment number any chunk (pending, sent or remembered as sent) carries.</summary>
    public ulong HighestSegment
    {
        get
        {
            lock (_gate)
            {
                var ids = List(PendingDir).Concat(List(SentDir)).Select(c => c.Id).Concat(_sentIds);
                return ids.Select(i => i.Segment).DefaultIfEmpty(0UL).Max();
            }
        }
    }

    public IReadOnlyList<LogChunk> ListPending()
    {
        lock (_gate) return List(PendingDir);
    }

    public IReadOnlyList<LogChunk> ListSent()
    {
        lock (_gate) return List(SentDir);
    }

    public bool WasSent(LogChunkId id)
    {
        lock (_gate) return _sentIds.Contains(id);
    }

    /// <summary>Stores a packed chunk durably (temp file, fsync, rename, fsync dir). A chunk already
    /// sent is not stored again; one already pending is replaced by the same content.</summary>
    public bool Add(LogChunkId id, string stream, ReadOnlySpan<byte> gzip)
    {
        lock (_gate)
        {
            if (_sentIds.Contains(id)) return false;
            var final = Path.Combine(PendingDir, LogChunk.FileName(id, stream));
            var tmp = final + ".tmp";
            try
            {
                using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 0))
                {
                    fs.Write(gzip);
                    fs.Flush(flushToDisk: true);
                }
                File.Move(tmp, final, overwrite: true);
            }
            catch (IOException)
            {
                File.Delete(tmp); // disk full: a torn chunk must not take the space the next try needs
                throw;
            }
            DirectorySync.Fsync(PendingDir);
            return true;
        }
    }

    public byte[] Read(LogChunk chunk) => File.ReadAllBytes(chunk.Path);

    /// <summary>Records the chunk as delivered (fsynced before the file moves), then moves it to sent/
    /// or deletes it.</summary>
    public void MarkSent(LogChunk chunk)
    {
        lock (_gate)
        {
            if (_sentIds.Add(chunk.Id))
            {
                using var fs = new FileStream(_sentLogPath, FileMode.Append, FileAccess.Write, FileShare.Read, 0);
                var before = fs.Length;
                try
                {
                    fs.Write(System.Text.Encoding.ASCII.GetBytes(chunk.Id + "\n"));
                    fs.Flush(flushToDisk: true);
                }
                catch (IOException)
                {
                    // Disk full: no half id may stay (the next id would be glued to it). The chunk stays
                    // pending and is sent again; the controller stores a chunk id once.
                    _sentIds.Remove(chunk.Id);
                    fs.SetLength(before);
                    throw;
                }
            }
            var pending = Path.Combine(PendingDir, Path.GetFileName(chunk.Path));
            if (!File.Exists(pending)) return;
            if (_options.KeepSent) File.Move(pending, Path.Combine(SentDir, Path.GetFileName(chunk.Path)), overwrite: true);
            else File.Delete(pending);
            DirectorySync.Fsync(PendingDir);
        }
    }

    /// <summary>Moves a chunk the controller keeps refusing out of the way (to rejected/, which keeps
    /// the newest <paramref name="keep"/>), so the chunks behind it can go.</summary>
    public void Reject(LogChunk chunk, int keep = 16)
    {
        lock (_gate)
        {
            Directory.CreateDirectory(RejectedDir);
            var pending = Path.Combine(PendingDir, Path.GetFileName(chunk.Path));
            if (!File.Exists(pending)) return;
            File.Move(pending, Path.Combine(RejectedDir, Path.GetFileName(chunk.Path)), overwrite: true);
            DirectorySync.Fsync(PendingDir);
            RejectedChunks++;
            foreach (var old in List(RejectedDir).SkipLast(keep)) File.Delete(old.Path);
        }
    }

    /// <summary>Deletes chunks until pending + sent fit the quota: oldest sent first, then oldest
    /// unsent. Returns how many bytes it freed; drops of unsent data are queued as log entries
    /// (<see cref="TryTakeDropNotice"/>) for the device stream.</summary>
    public long EnforceQuota()
    {
        lock (_gate)
        {
            var sent = List(SentDir);
            var pending = List(PendingDir);
            var total = sent.Sum(c => c.Bytes) + pending.Sum(c => c.Bytes);
            long freed = 0, sentDropped = 0, unsentDropped = 0, unsentBytes = 0;
            var lostIds = new List<string>();
            foreach (var c in sent)
            {
                if (total - freed <= QuotaBytes) break;
                File.Delete(c.Path);
                freed += c.Bytes;
                sentDropped++;
            }
            foreach (var c in pending)
            {
                if (total - freed <= QuotaBytes) break;
                File.Delete(c.Path);
                freed += c.Bytes;
                unsentDropped++;
                unsentBytes += c.Bytes;
                lostIds.Add(c.Id + "." + c.Stream);
            }
            if (sentDropped + unsentDropped == 0) return 0;
            DirectorySync.Fsync(SentDir);
            DirectorySync.Fsync(PendingDir);
            DroppedSentChunks += sentDropped;
            DroppedUnsentChunks += unsentDropped;
            DroppedUnsentBytes += unsentBytes;
            var content = $"log spool over its quota of {QuotaBytes} bytes: removed {sentDropped} uploaded chunk(s)"
                + (unsentDropped > 0
                    ? $" and dropped {unsentDropped} chunk(s) never uploaded ({unsentBytes} bytes lost: {string.Join(", ", lostIds)}); raise newlog.gzipfiles.ondisk.maxmegabytes or restore the controller connection"
                    : "");
            var notice = new LogEntry
            {
                Severity = unsentDropped > 0 ? "warning" : "info", Source = "newlogd", Content = content,
                Timestamp = Timestamp.FromDateTimeOffset(_time.GetUtcNow()),
            };
            notice.Tags["dropped_sent_chunks"] = sentDropped.ToString(System.Globalization.CultureInfo.InvariantCulture);
            notice.Tags["dropped_unsent_chunks"] = unsentDropped.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _dropNotices.Enqueue(notice);
            return freed;
        }
    }

    public bool TryTakeDropNotice(out LogEntry entry)
    {
        lock (_gate) return _dropNotices.TryDequeue(out entry!);
    }

    /// <summary>Forgets sent ids older than every segment still on disk: no re-pack can produce them.</summary>
    public void CompactSentIds(ulong oldestLiveSegment)
    {
        lock (_gate)
        {
            if (_sentIds.Count == 0) return;
            // Keep the newest id even when old: it carries the segment high-water mark across restarts.
            var newest = _sentIds.Max();
            if (_sentIds.RemoveWhere(i => i.Segment < oldestLiveSegment && i != newest) == 0) return;
            var tmp = _sentLogPath + ".tmp";
            File.WriteAllLines(tmp, _sentIds.Order().Select(i => i.ToString()));
            using (var fs = new FileStream(tmp, FileMode.Open, FileAccess.ReadWrite)) fs.Flush(flushToDisk: true);
            File.Move(tmp, _sentLogPath, overwrite: true);
        }
    }

    private void LoadSentIds()
    {
        if (!File.Exists(_sentLogPath)) return;
        foreach (var line in File.ReadLines(_sentLogPath))
        {
            // A torn last line (crash during append) simply does not parse: that chunk is still pending.
            if (LogChunkId.TryParse(line.AsSpan().Trim(), out var id)) _sentIds.Add(id);
        }
    }

    private static List<LogChunk> List(string dir) =>
        Directory.EnumerateFiles(dir, "*" + LogChunk.Extension).Select(LogChunk.FromPath).OfType<LogChunk>()
            .OrderBy(c => c.Id).ToList();
}
