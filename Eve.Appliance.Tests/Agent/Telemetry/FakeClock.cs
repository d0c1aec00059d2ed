namespace Eve.Appliance.Tests.Agent.Telemetry;

/// <summary>A clock that moves only when told to. Timers are not faked: code under test gets no
/// background tick (TickPeriod = null) and tests call Tick() themselves.</summary>
internal sealed class FakeClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public FakeClock() : this(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
