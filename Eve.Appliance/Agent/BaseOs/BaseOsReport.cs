using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Agent.BaseOs;

/// <summary>What the update machine shows, as EVE does: one ZInfoDevSW per partition in
/// ZInfoDevice.swList (EVE's zedagent puts baseos status there, not in a message of its own, and
/// the controller's UI reads it from there). The running partition is `activated`; the other one
/// carries the update's progress. Thread-safe: the subsystem writes, the info loop reads.</summary>
internal sealed class BaseOsReport(TimeProvider time)
{
    private readonly Lock _lock = new();
    private string _current = "", _other = "";
    private BaseOsSlots? _slots;
    private string _currentVersion = "", _otherVersion = "";
    private BaseOsStatus _status = BaseOsStatus.None;
    private BaseOsSubStatus _sub = BaseOsSubStatus.NoneSubstatus;
    private string _subText = "";
    private uint _progress;
    private (string Text, DateTimeOffset At)? _error;

    public string? LastError { get { lock (_lock) return _error?.Text; } }
    public BaseOsStatus Status { get { lock (_lock) return _status; } }
    public string SubText { get { lock (_lock) return _subText; } }

    public void Partitions(string current, string other, BaseOsSlots slots, string currentVersion, string otherVersion)
    {
        lock (_lock) (_current, _other, _slots, _currentVersion, _otherVersion) = (current, other, slots, currentVersion, otherVersion);
    }

    public void Slots(BaseOsSlots slots) { lock (_lock) _slots = slots; }

    public void OtherVersion(string version) { lock (_lock) _otherVersion = version; }

    public void Set(BaseOsStatus status, BaseOsSubStatus sub = BaseOsSubStatus.NoneSubstatus, string text = "", uint progress = 0)
    {
        lock (_lock) (_status, _sub, _subText, _progress) = (status, sub, text, progress);
    }

    public void Error(string? text)
    {
        lock (_lock) _error = text == null ? null : (text, time.GetUtcNow());
    }

    public void Contribute(ZInfoDevice info)
    {
        lock (_lock)
        {
            if (_slots is not { } slots)
            {
                if (_error is { } e) info.SwList.Add(new ZInfoDevSW { SwErr = Err(e) });
                return;
            }
            info.SwList.Add(new ZInfoDevSW
            {
                Activated = true,
                PartitionLabel = _current,
                PartitionState = PartitionState.Name(slots.Current),
                ShortVersion = _currentVersion,
                LongVersion = _currentVersion,
                Status = ZSwState.Running,
                UserStatus = slots.Current == EvePartitionState.InProgress ? _status : BaseOsStatus.Updated,
                SubStatus = slots.Current == EvePartitionState.InProgress ? _sub : BaseOsSubStatus.NoneSubstatus,
                SubStatusStr = slots.Current == EvePartitionState.InProgress ? _subText : "",
                SubStatusProgress = slots.Current == EvePartitionState.InProgress ? _progress : 0,
            });
            var other = new ZInfoDevSW
            {
                Activated = false,
                PartitionLabel = _other,
                PartitionState = PartitionState.Name(slots.Other),
                ShortVersion = _otherVersion,
                LongVersion = _otherVersion,
                Status = slots.Other switch
                {
                    EvePartitionState.Updating => ZSwState.Installed,
                    EvePartitionState.InProgress => ZSwState.Error,
                    _ => _status is BaseOsStatus.Downloading ? ZSwState.DownloadStarted : ZSwState.Initial,
                },
            };
            if (slots.Current != EvePartitionState.InProgress)
            {
                other.UserStatus = _status;
                other.SubStatus = _sub;
                other.SubStatusStr = _subText;
                other.SubStatusProgress = _progress;
                if (_status == BaseOsStatus.Downloading) other.DownloadProgress = _progress;
            }
            info.SwList.Add(other);
            if (_error is { } err) (slots.Current == EvePartitionState.InProgress ? info.SwList[0] : other).SwErr = Err(err);
        }
    }

    private static ErrorInfo Err((string Text, DateTimeOffset At) e) =>
        new() { Description = e.Text, Timestamp = Timestamp.FromDateTimeOffset(e.At) };
}
