namespace Eve.Appliance.Agent.Watchdog;

/// <summary>A part's registration with the <see cref="HealthMonitor"/>: call <see cref="Beat"/>
/// from the part's own loop (not from a timer beside it, or a hung loop keeps beating); dispose
/// when the part ends on purpose so it is not reported as hung. A loop that waits on purpose
/// (a timer, a channel) calls <see cref="Idle"/> before the wait: like EVE's agents, which keep
/// ticking while their select loop is idle, a waiting loop is not hung; it is hung when it is busy
/// (between <see cref="Beat"/> and <see cref="Idle"/>) for longer than its limit.</summary>
internal sealed class Heartbeat : IDisposable
{
    private readonly HealthMonitor _monitor;
    private long _lastBeatTicks;
    private volatile bool _idle;

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

    /// <summary>True while the part waits on purpose (see <see cref="Idle"/>).</summary>
    public bool IsIdle => _idle;

    /// <summary>The part is alive and busy from now on.</summary>
    public void Beat()
    {
        Interlocked.Exchange(ref _lastBeatTicks, _monitor.Time.GetUtcNow().UtcTicks);
        _idle = false;
    }

    /// <summary>The part is about to wait for work (a timer, a channel); the next <see cref="Beat"/>
    /// ends the wait. Counts as a beat.</summary>
    public void Idle()
    {
        Interlocked.Exchange(ref _lastBeatTicks, _monitor.Time.GetUtcNow().UtcTicks);
        _idle = true;
    }

    public void Dispose() => _monitor.Remove(this);
}
