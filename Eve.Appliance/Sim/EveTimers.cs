namespace Eve.Appliance.Sim;

/// <summary>
/// EVE's default reporting timers and their jitter. Config and metrics: EVE's flextimer range
/// ticker waits between 0.3× and 1× of timer.config.interval / timer.metric.interval (60 s each).
/// Device info is sent on change; a simulated device re-sends it every 10 minutes as a stand-in
/// for changes. newlogs: loguploader's upload interval, 90 s (assumed from EVE's defaults).
/// </summary>
internal static class EveTimers
{
    public static readonly TimeSpan Config = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan Metrics = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan Info = TimeSpan.FromSeconds(600);
    public static readonly TimeSpan NewLogs = TimeSpan.FromSeconds(90);

    /// <summary>The next wait for a timer of <paramref name="interval"/>: 0.3–1.0 × interval ÷ speed-up.</summary>
    public static TimeSpan Next(TimeSpan interval, double speedup, Random random) =>
        interval / speedup * (0.3 + 0.7 * random.NextDouble());

    /// <summary>A first wait spread over the whole interval, so a fleet does not fire in step.</summary>
    public static TimeSpan FirstOffset(TimeSpan interval, double speedup, Random random) =>
        interval / speedup * random.NextDouble();

    /// <summary>Mean requests per second one device makes at these timers (for the report).</summary>
    public static double RequestsPerSecondPerDevice(double speedup) =>
        speedup * (1 / (Config.TotalSeconds * 0.65) + 1 / (Metrics.TotalSeconds * 0.65) + 1 / (Info.TotalSeconds * 0.65) + 1 / (NewLogs.TotalSeconds * 0.65));
}
