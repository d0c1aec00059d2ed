using Eve.Appliance.Platform.Qemu;
using Microsoft.Extensions.Logging;

namespace Eve.Appliance.Agent.Apps;

/// <summary>What every app worker shares: stores, the content fetcher, volumes, the QEMU
/// supervisor, the network seam, the report sink and the options.</summary>
internal sealed record AppWorkerParts(
    AppStateStore States,
    ContentFetcher Content,
    VolumeManager Volumes,
    QemuSupervisor Supervisor,
    QemuAccel Accel,
    IAppNetworkAttachment Network,
    IReportSink Reports,
    AppsOptions Options,
    string RunDir,
    string LogDir,
    Func<long> AvailableMemoryKiB,
    TimeProvider Time,
    ILogger Log)
{
    /// <summary>Cloud-init seed images (<see cref="CloudInitSeed"/>); default: beside the logs.</summary>
    public string? SeedDir { get; init; }

    /// <summary>Runs mkfs.vfat and mcopy for the seed images.</summary>
    public Eve.Appliance.Platform.Processes.IProcessRunner Runner { get; init; } = Eve.Appliance.Platform.Processes.ProcessRunner.Default;

    public string Seeds => SeedDir ?? Path.Combine(Path.GetDirectoryName(LogDir)!, "seeds");
}
