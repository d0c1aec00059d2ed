namespace Eve.Appliance.Agent.Telemetry.Logs;

/// <summary>How fast the spool is uploaded (EVE loguploader's pacing). One chunk per wake-up: every
/// <see cref="Interval"/> when little waits, faster as the backlog grows (so a box that was offline
/// catches up), and backing off (doubling up to <see cref="MaxBackoff"/>) while the controller is away
/// or says it is busy (503, 429).</summary>
internal sealed record LogUploadPacing
{
    /// <summary>EVE's default upload interval (loguploader: 90 s).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Backlog (chunks waiting) above which the interval shrinks in proportion.</summary>
    public int FastBacklog { get; init; } = 5;

    /// <summary>Shortest gap between two uploads, however large the backlog.</summary>
    public TimeSpan MinInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest wait while the controller is away (loguploader: 30 min).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Refusals (4xx other than 429) of one chunk before it is put aside (EVE: 10 per file).</summary>
    public int MaxRefusals { get; init; } = 10;
}
