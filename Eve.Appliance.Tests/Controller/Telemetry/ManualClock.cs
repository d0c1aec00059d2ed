namespace Eve.Appliance.Tests.Controller.Telemetry;

/// <summary>A clock the test moves by hand, so a week of tiering runs in milliseconds.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Set(DateTimeOffset now) => _now = now;
}
