using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Logs;

namespace Eve.Appliance.Agent.Telemetry.Logs;

/// <summary>Lines the spool could not write (disk full, read-only) wait here, in order, and are written
/// first once the disk takes writes again. Bounded: beyond <see cref="MaxLines"/> the oldest held line
/// is dropped and counted. The fault itself becomes log lines (an error when it starts, an info when it
/// ends, with the counts) that travel with the rest, so the controller learns about it in words.</summary>
internal sealed class LogWriteHold(TimeProvider time, string directory)
{
    public const int MaxLines = 2000;
    public const string Source = "newlogd";

    private readonly Queue<(LogEntry Entry, string Stream)> _lines = new();
    private DateTimeOffset _since;
    private long _heldTotal, _droppedNow;

    public int Count => _lines.Count;

    /// <summary>Why the last write failed, while it keeps failing; null when writes work.</summary>
    public string? Fault { get; private set; }

    /// <summary>Lines dropped since the spool opened because the hold was full.</summary>
    public long Dropped { get; private set; }

    /// <summary>A write failed: the first failure of a run starts the fault with an error line ahead
    /// of <paramref name="entry"/>.</summary>
    public void Failed(IOException e, LogEntry entry, string stream)
    {
        if (Fault == null)
        {
            _since = time.GetUtcNow();
            _heldTotal = _droppedNow = 0;
            Add(Notice("error", $"log spool: cannot write to {directory}: {e.Message}; holding up to {MaxLines} log lines in memory until the disk takes writes again, older ones are dropped and counted"), LogStreams.Device);
        }
        Fault = e.Message;
        Add(entry, stream);
    }

    /// <summary>Queues behind lines already held (order is kept).</summary>
    public void Add(LogEntry entry, string stream)
    {
        if (_lines.Count >= MaxLines)
        {
            _lines.Dequeue();
            Dropped++;
            _droppedNow++;
        }
        _lines.Enqueue((entry, stream));
        _heldTotal++;
    }

    /// <summary>Writes held lines in order with <paramref name="write"/>, then the line saying the fault
    /// ended; stops at the first that still fails (it stays first in line).</summary>
    public void Drain(Action<LogEntry, string> write)
    {
        try
        {
            while (_lines.Count > 0)
            {
                var (entry, stream) = _lines.Peek();
                write(entry, stream);
                _lines.Dequeue();
            }
            if (Recovered() is { } notice) write(notice, LogStreams.Device);
        }
        catch (IOException e)
        {
            Fault = e.Message;
        }
    }

    /// <summary>Everything held was written: ends the fault; returns the line that says so.</summary>
    private LogEntry? Recovered()
    {
        if (Fault == null) return null;
        Fault = null;
        var seconds = (time.GetUtcNow() - _since).TotalSeconds;
        return Notice("info", string.Create(CultureInfo.InvariantCulture,
            $"log spool: writing to {directory} again after {seconds:0} s; {_heldTotal - _droppedNow} held lines written, {_droppedNow} dropped while the disk had no space"));
    }

    private LogEntry Notice(string severity, string content) => new()
    {
        Severity = severity, Source = Source, Content = content, Timestamp = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
    };
}
