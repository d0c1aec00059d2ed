using LiteDB;

namespace Eve.Appliance.Store;

/// <summary>
/// Knows when the persist folder was last found full, so the controller can refuse writes with a
/// retryable answer instead of a 500, and tell the operator why in `ctl status`. A full disk is not
/// a bug: it clears by itself when space returns, and the next successful write proves it.
/// </summary>
internal sealed class StorageWatch(string dataDir, TimeProvider time)
{
    private const int Enospc = 28;
    private DateTimeOffset? _lastFullAt;
    private string? _lastFullError;

    public string DataDir => dataDir;

    /// <summary>Whether <paramref name="e"/> (or what it wraps) is the kernel's ENOSPC / EDQUOT.</summary>
    public static bool IsDiskFull(Exception? e)
    {
        for (; e != null; e = e.InnerException)
        {
            if (e is IOException io && (io.HResult == Enospc || io.HResult == 122 /* EDQUOT */
                || io.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase)
                || io.Message.Contains("Disk quota exceeded", StringComparison.OrdinalIgnoreCase)))
                return true;
            if (e is LiteException && e.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    /// <summary>Called after a disk-full fault to bring the store back (see ControllerStore.Reopen).</summary>
    public Func<bool>? Reopen { get; set; }

    public void RecordFull(Exception e)
    {
        lock (this)
        {
            _lastFullAt = time.GetUtcNow();
            _lastFullError = e.Message;
            // Every request after the fault would meet the closed engine: reopen now (it fails
            // harmlessly while the disk is still full, and the next refused request tries again).
            Reopen?.Invoke();
        }
    }

    /// <summary>One sentence for the operator: free space, and the last disk-full refusal if any.</summary>
    public string Describe()
    {
        long? free = null;
        try
        {
            free = new DriveInfo(Path.GetFullPath(dataDir)).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // Unknown free space is reported as such below.
        }
        var freeText = free is { } f ? $"{FormatBytes(f)} free in {dataDir}" : $"free space of {dataDir} unknown";
        lock (this)
        {
            if (_lastFullAt is not { } at) return $"ok, {freeText}";
            return $"{freeText}; last write refused at {at:u}: no space left on device ({_lastFullError}); " +
                   "devices are answered 503 with Retry-After until space returns, and nothing stored is lost";
        }
    }

    private static string FormatBytes(long b) => b switch
    {
        >= 1L << 30 => $"{b / (double)(1L << 30):F1} GiB",
        >= 1L << 20 => $"{b / (double)(1L << 20):F1} MiB",
        >= 1L << 10 => $"{b / 1024.0:F1} KiB",
        _ => $"{b} B",
    };
}
