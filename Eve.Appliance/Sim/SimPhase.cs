namespace Eve.Appliance.Sim;

/// <summary>One measured stretch of a run: how long, what each endpoint saw, and what the
/// controller process spent meanwhile (when its pid is known).</summary>
internal sealed record SimPhase(string Name, double Seconds, IReadOnlyList<EndpointSummary> Endpoints, ProcessUsage? Before, ProcessUsage? After)
{
    public long Requests => Endpoints.Sum(e => e.Requests);
    public long Errors => Endpoints.Sum(e => e.ErrorCount);
    public double PerSecond => Seconds > 0 ? Requests / Seconds : 0;

    /// <summary>Controller CPU time in this phase, when the controller is a known local process.</summary>
    public double? ControllerCpuSeconds => Before is { } b && After is { } a ? (a.Cpu - b.Cpu).TotalSeconds : null;

    public double? ControllerCpuMsPerRequest => ControllerCpuSeconds is { } cpu && Requests > 0 ? cpu * 1000 / Requests : null;

    /// <summary>Share of one core the controller used in this phase (1.0 = one core busy).</summary>
    public double? ControllerCores => ControllerCpuSeconds is { } cpu && Seconds > 0 ? cpu / Seconds : null;

    public static SimPhase From(string name, LatencyBook book, double seconds, ProcessUsage? before, ProcessUsage? after) =>
        new(name, seconds, book.Summarize(seconds), before, after);
}
