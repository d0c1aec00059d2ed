namespace Eve.Appliance.Agent.Node;

internal sealed record MaintenanceOptions
{
    /// <summary>How often the local request and the free disk are looked at.</summary>
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The local request: while this file exists (under /persist/status by default) the
    /// device is in maintenance mode; its first line, if any, is the operator's reason. EVE takes
    /// the same request from its local operator console; this is its file-level equivalent, usable
    /// over ssh or from a USB script.</summary>
    public string? LocalRequestFile { get; init; }

    /// <summary>Below this many free bytes on the /persist file system the device goes into
    /// maintenance mode (EVE's MAINTENANCE_MODE_REASON_LOW_DISK_SPACE): a full disk would corrupt
    /// app volumes and the store.</summary>
    public long MinFreeBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Free bytes of the file system holding a path; real: statvfs (tests shrink the disk).</summary>
    public Func<string, long> FreeBytes { get; init; } = path => Content.FileSystemSpace.Of(path).FreeBytes;
}
