namespace Eve.Appliance.Store;

/// <summary>Caps that keep the store from growing without bound (documented in SCHEMA.md).</summary>
public sealed record StoreLimits
{
    /// <summary>Metrics messages kept per device: a day at EVE's default 60 s interval.</summary>
    public int MetricsPerDevice { get; init; } = 1440;

    /// <summary>Log lines kept per device (device and app logs together).</summary>
    public int LogLinesPerDevice { get; init; } = 20_000;
}
