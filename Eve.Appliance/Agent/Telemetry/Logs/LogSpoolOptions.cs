using Eve.Appliance.Api.NewLogs;

namespace Eve.Appliance.Agent.Telemetry.Logs;

/// <summary>Knobs of the on-disk log spool (EVE newlogd's defaults). Durations are read through the
/// writer's <see cref="TimeProvider"/>, so tests move a fake clock instead of sleeping.</summary>
internal sealed record LogSpoolOptions
{
    /// <summary>Holds segments/, pending/, sent/ and state/.</summary>
    public required string Directory { get; init; }

    /// <summary>What the device FCOMMENT says (devID, image, eveVersion).</summary>
    public required LogBundleMeta Meta { get; init; }

    public long MaxSegmentBytes { get; init; } = 400 * 1024;

    public TimeSpan MaxSegmentAge { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Most compressed bytes in one upload chunk (EVE: 50 KB).</summary>
    public int MaxChunkBytes { get; init; } = 50 * 1024;

    /// <summary>Longest line; longer content is cut and marked, so every chunk can hold any line.</summary>
    public int MaxLineBytes { get; init; } = 32 * 1024;

    /// <summary>fsync the open segments when this much time has passed since the last one; zero means
    /// after every line. Lines are written with one write(2) each, so kill -9 loses nothing even
    /// between fsyncs; the cadence bounds what a power cut can take.</summary>
    public TimeSpan FsyncInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Bytes of pending + sent chunks allowed on disk
    /// (newlog.gzipfiles.ondisk.maxmegabytes, capped by the caller at 10 % of persist).</summary>
    public long QuotaBytes { get; init; } = 2048L << 20;

    /// <summary>Keep uploaded chunks in sent/ (until the quota needs the space) instead of deleting them.</summary>
    public bool KeepSent { get; init; } = true;

    /// <summary>How often a background tick fsyncs idle segments and closes aged ones; null = no timer
    /// (the owner calls <see cref="LogSegmentWriter.Tick"/>, as tests with a fake clock do).</summary>
    public TimeSpan? TickPeriod { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The FCOMMENT at packing time when set (the device id is known only after onboarding,
    /// while the spool takes lines from the first one on); <see cref="Meta"/> otherwise.</summary>
    public Func<LogBundleMeta>? MetaSource { get; init; }

    /// <summary>App name for an app stream's FNAME, from its UUID; the UUID itself when null.</summary>
    public Func<string, string>? AppName { get; init; }
}
