namespace Eve.Appliance.Store;

/// <summary>Caps that keep the store from growing without bound (documented in SCHEMA.md).</summary>
public sealed record StoreLimits
{
    /// <summary>Metrics messages kept per device: a day at EVE's default 60 s interval.</summary>
    public int MetricsPerDevice { get; init; } = 1440;

    /// <summary>Log lines kept per device (device and app logs together).</summary>
    public int LogLinesPerDevice { get; init; } = 20_000;

    /// <summary>Earlier versions kept per info object (device, app, volume…).</summary>
    public int InfoHistoryPerObject { get; init; } = 20;

    /// <summary>Raw series points per device: a day at a 10 s metrics interval (EVE's default is
    /// 60 s, so normally the one-day window, not this count, is what bounds the raw tier).</summary>
    public int RawPointsPerDevice { get; init; } = 8640;

    /// <summary>How long each tier keeps points (raw a day, minute averages a week, hourly a year).</summary>
    public TimeSpan RawWindow { get; init; } = TimeSpan.FromDays(1);
    public TimeSpan MinuteWindow { get; init; } = TimeSpan.FromDays(7);
    public TimeSpan HourWindow { get; init; } = TimeSpan.FromDays(365);

    /// <summary>Expiry runs every this many metrics messages per device, so a tier may be over its
    /// bound by at most this many points between runs.</summary>
    public int PruneEvery { get; init; } = 64;
}
