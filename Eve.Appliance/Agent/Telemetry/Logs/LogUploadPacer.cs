namespace Eve.Appliance.Agent.Telemetry.Logs;

/// <summary>What the last upload attempt found.</summary>
internal enum LogUploadOutcome
{
    /// <summary>Nothing was waiting (or the device is not onboarded yet).</summary>
    Idle,

    /// <summary>A chunk was delivered (or put aside after too many refusals).</summary>
    Delivered,

    /// <summary>The controller could not be reached, or answered 503/429: keep everything, wait longer.</summary>
    ControllerAway,

    /// <summary>The controller refused the chunk; it is retried a few times.</summary>
    Refused,
}

/// <summary>The pure pacing rule of <see cref="LogUploadPacing"/>: the wait before the next upload
/// from the last outcome and the backlog. Not thread-safe: the uploader's loop owns it.</summary>
internal sealed class LogUploadPacer(LogUploadPacing pacing)
{
    /// <summary>The current back-off while the controller is away; zero once it answers again.</summary>
    public TimeSpan Backoff { get; private set; }

    public TimeSpan Next(LogUploadOutcome outcome, int backlog)
    {
        if (outcome is LogUploadOutcome.ControllerAway or LogUploadOutcome.Refused)
        {
            Backoff = Backoff == TimeSpan.Zero ? pacing.Interval : Min(Backoff * 2, pacing.MaxBackoff);
            return Backoff;
        }
        Backoff = TimeSpan.Zero;
        if (backlog <= pacing.FastBacklog) return pacing.Interval;
        // Proportionally faster: twice the backlog over the threshold, half the gap.
        var gap = pacing.Interval * pacing.FastBacklog / backlog;
        return gap < pacing.MinInterval ? pacing.MinInterval : gap;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
