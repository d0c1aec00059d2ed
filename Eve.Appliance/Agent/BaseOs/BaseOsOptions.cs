using Eve.Appliance.Agent.Content;

namespace Eve.Appliance.Agent.BaseOs;

/// <summary>Where the A/B disk is and how long the update machine waits. The timers default to
/// EVE's config items (timer.test.baseimage.update 600 s, timer.update.fallback.no.network 300 s);
/// an option set here wins over the config item (tests use milliseconds).</summary>
internal sealed record BaseOsOptions
{
    /// <summary>`--boot-disk`: a disk image file or block device holding IMGA/IMGB. Null on a
    /// workstation: the subsystem then reports "no A/B disk on this machine" and does nothing else.</summary>
    public string? BootDisk { get; init; }

    /// <summary>The slot this boot runs from. Null: read from the kernel command line
    /// (`eve.partition=IMGA` or `root=PARTLABEL=IMGA`).</summary>
    public string? CurrentPartition { get; init; }

    public TimeSpan? TestWindow { get; init; }

    public TimeSpan? FallbackTimeout { get; init; }

    /// <summary>How often the health gates are evaluated during the test window.</summary>
    public TimeSpan GateInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>After a failed download or write, the same config is tried again this much later.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Where downloaded images are kept (default /persist/baseos/blobs).</summary>
    public string? BlobDir { get; init; }

    public DownloaderOptions Download { get; init; } = new();

    public static readonly TimeSpan DefaultTestWindow = TimeSpan.FromSeconds(600);
    public static readonly TimeSpan DefaultFallbackTimeout = TimeSpan.FromSeconds(300);
}
