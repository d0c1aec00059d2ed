using Eve.Appliance.Agent.Content;
using Eve.Appliance.Platform.Qemu;

namespace Eve.Appliance.Agent.Apps;

/// <summary>Knobs of the apps subsystem; tests shrink the timers.</summary>
internal sealed record AppsOptions
{
    /// <summary>State, volumes, blobs, logs; default PersistDir/apps.</summary>
    public string? Dir { get; init; }
    /// <summary>QMP sockets and pidfiles; kept short (unix socket paths are limited to 107 bytes).
    /// Default Dir/run.</summary>
    public string? RunDir { get; init; }
    public DownloaderOptions Downloader { get; init; } = new();
    public QemuSupervisorOptions Qemu { get; init; } = new();
    /// <summary>After a failed step (download, start) the app tries again this much later.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>After QEMU went away unasked, it is started again this much later (EVE restarts on failure).</summary>
    public TimeSpan CrashRestartDelay { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>How often the serial console log is read for new lines.</summary>
    public TimeSpan ConsolePollInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>How often block stats are asked from QMP for metrics.</summary>
    public TimeSpan StatsInterval { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Graceful stop: the guest's ACPI shutdown gets this long before `quit`.</summary>
    public TimeSpan PowerdownTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Null: probe the host (TCG unless real KVM).</summary>
    public QemuAccel? Accel { get; init; }
    /// <summary>Null: /proc/meminfo MemAvailable. Tests use it to make admission refuse.</summary>
    public Func<long>? AvailableMemoryKiB { get; init; }
}
