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

    /// <summary><c>timer.port.testbetterinterval</c>: retry of a higher-priority DPC while on a lower one.</summary>
    public TimeSpan TestBetterInterval { get; init; } = TimeSpan.FromMinutes(10);
}
