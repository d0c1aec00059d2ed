namespace Eve.Appliance.Agent.Content;

/// <summary>Download policy. Defaults follow EVE's timer.download.retry / timer.download.stalled
/// spirit; tests shrink them to milliseconds.</summary>
internal sealed record DownloaderOptions
{
    /// <summary>Attempts per download for transient failures (cut, stall, 5xx, unreachable).</summary>
    public int MaxAttempts { get; init; } = 8;
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>No bytes for this long cancels the attempt (it is then resumed).</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Full re-downloads after a sha256 mismatch before giving up (blob.download.max.retries).</summary>
    public int MaxHashMismatchRetries { get; init; } = 2;
    public int BufferSize { get; init; } = 256 * 1024;
    /// <summary>Free bytes of the file system holding a path: statvfs (<see cref="FileSystemSpace"/>).
    /// A blob that cannot fit is refused before its bytes are fetched.</summary>
    public Func<string, long> FreeBytes { get; init; } = path => FileSystemSpace.Of(path).FreeBytes;
}
