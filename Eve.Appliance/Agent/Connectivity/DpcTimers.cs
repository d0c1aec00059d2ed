namespace Eve.Appliance.Agent.Connectivity;

/// <summary>EVE's port timers (config items <c>timer.port.*</c>), settable so tests run in milliseconds.</summary>
internal sealed record DpcTimers
{
    /// <summary><c>timer.port.testduration</c>: how long a new DPC may take to reach the controller.</summary>
    public TimeSpan TestDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How much longer than <see cref="TestDuration"/> the manager waits for the tester's own
    /// answer — which says why it failed — before declaring a bare timeout.</summary>
    public TimeSpan TestGrace { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary><c>timer.port.testinterval</c>: periodic retest of the DPC in use.</summary>
    public TimeSpan TestInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary><c>timer.port.testbetterinterval</c>: retry of a higher-priority DPC while on a lower one
    /// (zero: never, EVE's default; ours is 10 min so a fallback does not stick for ever).</summary>
    public TimeSpan TestBetterInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary><c>timer.port.timeout</c>: each connection and DNS question of a port, before the next port is tried.</summary>
    public TimeSpan PortTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>These timers with the controller's <c>timer.port.*</c> items (whole seconds) applied;
    /// an item that is missing or not a number keeps its value here.</summary>
    public DpcTimers WithConfigItems(Func<string, string?> item)
    {
        TimeSpan? Seconds(string key) =>
            item(key) is { } v && double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s) && s >= 0
                ? TimeSpan.FromSeconds(s) : null;
        return this with
        {
            TestDuration = Seconds("timer.port.testduration") is { TotalSeconds: > 0 } d ? d : TestDuration,
            TestInterval = Seconds("timer.port.testinterval") is { TotalSeconds: > 0 } i ? i : TestInterval,
            TestBetterInterval = Seconds("timer.port.testbetterinterval") ?? TestBetterInterval,
            PortTimeout = Seconds("timer.port.timeout") is { TotalSeconds: > 0 } t ? t : PortTimeout,
        };
    }
}
