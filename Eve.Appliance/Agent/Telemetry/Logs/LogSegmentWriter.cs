using Eve.Appliance.Platform.Files;
using System.Buffers;
using System.IO.Compression;
using Eve.Appliance.Api.NewLogs;
using Org.Lfedge.Eve.Logs;

namespace Eve.Appliance.Agent.Telemetry.Logs;

/// <summary>EVE newlogd's spool: accepted lines go to segments/&lt;seq&gt;.&lt;stream&gt;.open, one Go-JSON
/// LogEntry per line, each with a single write(2) (so kill -9 cannot lose an accepted line) and fsync on a
/// cadence (so a power cut loses at most that much). A segment closes at MaxSegmentBytes or MaxSegmentAge,
/// is renamed .closed, packed into pending/ chunks and deleted. Opening the folder after a crash cuts each
/// .open segment back to its last complete line and packs it; a .closed segment whose packing was
/// interrupted is packed again with the same chunk ids, and the queue refuses ids it already sent.</summary>
internal sealed class LogSegmentWriter : IDisposable
{
    private const string OpenExt = ".open", ClosedExt = ".closed";
    private const int LineBits = 20; // msgid = segment << 20 | line: unique and increasing across restarts

    private readonly LogSpoolOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, OpenSegment> _open = new(StringComparer.Ordinal);
    private readonly ArrayBufferWriter<byte> _line = new(1024);
    private readonly string _segmentsDir;
    private readonly ITimer? _tick;
    private ulong _nextSegment;
    private DateTimeOffset _lastFsync;
    private readonly LogWriteHold _hold;
    private bool _dirty, _drainingNotices, _drainingHold, _disposed;

    private LogSegmentWriter(LogSpoolOptions options, TimeProvider time, CompressionLevel level)
    {
        if (options.MaxLineBytes > options.MaxChunkBytes - 1024)
            throw new ArgumentException($"MaxLineBytes ({options.MaxLineBytes}) must be at least 1 KB below MaxChunkBytes ({options.MaxChunkBytes}) so any line fits a chunk");
        _options = options;
        _time = time;
        _segmentsDir = Path.Combine(options.Directory, "segments");
        Directory.CreateDirectory(_segmentsDir);
        Queue = new LogUploadQueue(options, time);
        SpoolId = SpoolFiles.LoadOrCreateSpoolId(Path.Combine(options.Directory, "state", "spool-id"));
        Packer = new LogChunkPacker(options, Queue, time, SpoolId, level);
        _hold = new LogWriteHold(time, options.Directory);
        _lastFsync = time.GetUtcNow();
        Recover();
        if (options.TickPeriod is { } period) _tick = time.CreateTimer(_ => Tick(), null, period, period);
    }

    public LogUploadQueue Queue { get; }

    public LogSpoolOptions Options => _options;

    public LogChunkPacker Packer { get; }

    /// <summary>Random id of this spool folder; with the chunk id it names a chunk uniquely for ever.</summary>
    public Guid SpoolId { get; }

    public long LinesAccepted { get; private set; }

    public long LinesTruncated { get; private set; }

    public long SegmentsClosed { get; private set; }

    /// <summary>Bytes of torn last lines cut off .open segments found at start.</summary>
    public long TornBytesDiscarded { get; private set; }

    public static LogSegmentWriter Open(LogSpoolOptions options, TimeProvider? time = null,
        CompressionLevel level = CompressionLevel.SmallestSize) => new(options, time ?? TimeProvider.System, level);

    public void Append(LogEntry entry, string stream = LogStreams.Device)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            AppendLocked(entry, stream);
        }
    }

    public void AppendApp(LogEntry entry, string appUuid) => Append(entry, LogStreams.App(appUuid));

    /// <summary>fsyncs segments written since the last fsync when the cadence is due, and closes
    /// segments older than MaxSegmentAge. The background timer calls this; tests call it by hand.</summary>
    public void Tick()
    {
        lock (_gate)
        {
            if (_disposed) return;
            var now = _time.GetUtcNow();
            try
            {
                if (_hold.Count > 0) DrainHold();
                if (_dirty && now - _lastFsync >= _options.FsyncInterval) FsyncAll(now);
                foreach (var seg in _open.Values.Where(s => now - s.OpenedAt >= _options.MaxSegmentAge).ToList()) Close(seg);
            }
            catch (IOException)
            {
                // Disk full while packing: the closed segment stays and is packed at the next close or start.
            }
        }
    }

    /// <summary>fsyncs every open segment now.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            if (!_disposed) FsyncAll(_time.GetUtcNow());
        }
    }

    /// <summary>Closes and packs every open segment.</summary>
    public void Dispose()
    {
        _tick?.Dispose();
        lock (_gate)
        {
            if (_disposed) return;
            try
            {
                if (_hold.Count > 0) DrainHold();
                foreach (var seg in _open.Values.ToList()) Close(seg);
                // Closing may have logged a quota drop into a fresh segment: close that too, but without
                // draining further notices, which with a tiny quota could go on for ever (they stay counted).
                _drainingNotices = true;
                foreach (var seg in _open.Values.ToList()) Close(seg);
            }
            catch (IOException)
            {
                // Disk full: what is on disk is whole lines; the next start packs it. Held lines are lost.
            }
            finally
            {
                foreach (var seg in _open.Values) seg.File.Dispose();
                _disposed = true;
            }
        }
    }

    /// <summary>Lines waiting in memory while the disk refuses writes, and why.</summary>
    public LogWriteHold Hold => _hold;

    private void AppendLocked(LogEntry entry, string stream)
    {
        if (_hold.Count > 0)
        {
            _hold.Add(entry, stream);
            if (!_drainingHold) DrainHold();
            return;
        }
        try
        {
            WriteLocked(entry, stream);
        }
        catch (IOException e)
        {
            _hold.Failed(e, entry, stream);
        }
    }

    private void DrainHold()
    {
        _drainingHold = true;
        try { _hold.Drain(WriteLocked); }
        finally { _drainingHold = false; }
    }

    private void WriteLocked(LogEntry entry, string stream)
    {
        var now = _time.GetUtcNow();
        var seg = CurrentSegment(stream, now);
        Render(entry, seg);
        if (seg.Bytes > 0 && seg.Bytes + _line.WrittenCount > _options.MaxSegmentBytes)
        {
            Close(seg);
            seg = CurrentSegment(stream, now);
            Render(entry, seg); // again: the msgid carries the segment number, and Close may have used _line
        }
        try
        {
            seg.File.Write(_line.WrittenSpan);
        }
        catch (IOException)
        {
            // Part of the line may have reached the file: cut it back, so the segment stays whole lines.
            seg.File.SetLength(seg.Bytes);
            seg.File.Position = seg.Bytes;
            throw;
        }
        seg.Bytes += _line.WrittenCount;
        seg.Lines++;
        LinesAccepted++;
        _dirty = true;
        if (now - _lastFsync >= _options.FsyncInterval) FsyncAll(now);
    }

    /// <summary>Renders the line (with '\n') into <see cref="_line"/>, stamping a msgid when the caller
    /// left none and cutting the content so the line fits MaxLineBytes.</summary>
    private void Render(LogEntry entry, OpenSegment seg)
    {
        ulong? msgid = entry.Msgid == 0 ? (seg.Segment << LineBits) | (uint)seg.Lines : null;
        RenderLine(entry, msgid, null);
        var original = entry.Content;
        var keep = original.Length;
        while (_line.WrittenCount > _options.MaxLineBytes)
        {
            if (keep == 0)
                throw new ArgumentException($"log entry from \"{entry.Source}\" is over {_options.MaxLineBytes} bytes even without its content; shorten its tags or file name");
            // Every char is at least one byte, so dropping the excess (plus room for the marker) in chars
            // converges in a step or two even when escapes make chars longer.
            keep = Math.Max(0, keep - (_line.WrittenCount - _options.MaxLineBytes) - 48);
            RenderLine(entry, msgid, $"{original[..keep]}…[truncated {original.Length - keep} chars]");
        }
        if (keep != original.Length) LinesTruncated++;
    }

    private void RenderLine(LogEntry entry, ulong? msgid, string? content)
    {
        _line.ResetWrittenCount();
        LogEntryJson.Write(_line, entry, msgid, content);
        _line.Write("\n"u8);
    }

    /// <summary>The stream's open segment, after closing it if it is too old. Closing can log a quota
    /// drop, which may already have opened a fresh device segment: that one is used, not replaced.</summary>
    private OpenSegment CurrentSegment(string stream, DateTimeOffset now)
    {
        if (_open.TryGetValue(stream, out var seg) && now - seg.OpenedAt >= _options.MaxSegmentAge)
        {
            Close(seg);
            _open.TryGetValue(stream, out seg);
        }
        return seg ?? StartSegment(stream, now);
    }

    private OpenSegment StartSegment(string stream, DateTimeOffset now)
    {
        var segment = _nextSegment++;
        var path = Path.Combine(_segmentsDir, $"{segment:D12}.{stream}{OpenExt}");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
        var seg = new OpenSegment(segment, stream, path, file, now);
        _open[stream] = seg;
        return seg;
    }

    private void Close(OpenSegment seg)
    {
        _open.Remove(seg.Stream);
        seg.File.Flush(flushToDisk: true);
        seg.File.Dispose();
        File.Move(seg.Path, Path.ChangeExtension(seg.Path, ClosedExt));
        DirectorySync.Fsync(_segmentsDir);
        SegmentsClosed++;
        PackClosedSegments();
    }

    /// <summary>Packs every .closed segment, oldest first; one that fails (disk full) stays for the
    /// next close or start.</summary>
    private void PackClosedSegments()
    {
        foreach (var (path, segment, stream) in Segments(ClosedExt))
        {
            Packer.Pack(path, segment, stream);
            File.Delete(path);
        }
        DirectorySync.Fsync(_segmentsDir);
        Queue.EnforceQuota();
        if (_drainingNotices) return;
        _drainingNotices = true;
        try
        {
            while (Queue.TryTakeDropNotice(out var notice)) AppendLocked(notice, LogStreams.Device);
        }
        finally
        {
            _drainingNotices = false;
        }
    }

    private void Recover()
    {
        foreach (var (path, _, _) in Segments(OpenExt))
        {
            using (var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
            {
                var keep = SpoolFiles.LengthThroughLastNewline(fs);
                TornBytesDiscarded += fs.Length - keep;
                fs.SetLength(keep);
                fs.Flush(flushToDisk: true);
            }
            File.Move(path, Path.ChangeExtension(path, ClosedExt));
        }
        var highest = Segments(ClosedExt).Select(s => s.Segment).DefaultIfEmpty(0UL).Max();
        _nextSegment = Math.Max(highest, Queue.HighestSegment) + 1;
        PackClosedSegments();
        Queue.CompactSentIds(_nextSegment);
    }

    private void FsyncAll(DateTimeOffset now)
    {
        foreach (var seg in _open.Values) seg.File.Flush(flushToDisk: true);
        _lastFsync = now;
        _dirty = false;
    }

    private List<(string Path, ulong Segment, string Stream)> Segments(string ext) => SpoolFiles.Segments(_segmentsDir, ext);

    private sealed class OpenSegment(ulong segment, string stream, string path, FileStream file, DateTimeOffset openedAt)
    {
        public ulong Segment { get; } = segment;
        public string Stream { get; } = stream;
        public string Path { get; } = path;
        public FileStream File { get; } = file;
        public DateTimeOffset OpenedAt { get; } = openedAt;
        public long Bytes { get; set; }
        public int Lines { get; set; }
    }
}
