namespace Eve.Appliance.Agent.Watchdog;

/// <summary>A part's registration with the <see cref="HealthMonitor"/>: call <see cref="Beat"/>
/// from the part's own loop (not from a timer beside it, or a hung loop keeps beating); dispose
/// when the part ends on purpose so it is not reported as hung.</summary>
internal sealed class Heartbeat : IDisposable
{
    private readonly HealthMonitor _monitor;
    private long _lastBeatTicks;

    internal Heartbeat(HealthMonitor monitor, string name, TimeSpan limit, string registrationStack, DateTimeOffset now)
    {
        _monitor = monitor;
        Name = name;
        Limit = limit;
        RegistrationStack = registrationStack;
        _lastBeatTicks = now.UtcTicks;
    }

    public string Name { get; }
    public TimeSpan Limit { get; }
    public string RegistrationStack { get; }
    public DateTimeOffset LastBeat => new(Interlocked.Read(ref _lastBeatTicks), TimeSpan.Zero);

    public void Beat() => Interlocked.Exchange(ref _lastBeatTicks, _monitor.Time.GetUtcNow().UtcTicks);

    public void Dispose() => _monitor.Remove(this);
}
