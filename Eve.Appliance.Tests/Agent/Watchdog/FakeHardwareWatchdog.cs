using Eve.Appliance.Agent.Watchdog;

namespace Eve.Appliance.Tests.Agent.Watchdog;

/// <summary>A watchdog device that counts keep-alives; <see cref="LastResetByWatchdog"/> says what
/// the test sets, as WDIOC_GETBOOTSTATUS would after a real reset.</summary>
internal sealed class FakeHardwareWatchdog(bool resetByWatchdog = false) : IHardwareWatchdog
{
    private int _keepAlives;

    public string Name => "fake-watchdog";
    public int Timeout { get; private set; }
    public int KeepAlives => Volatile.Read(ref _keepAlives);
    public bool Disarmed { get; private set; }

    public int SetTimeout(int seconds) => Timeout = seconds;

    public void KeepAlive() => Interlocked.Increment(ref _keepAlives);

    public bool LastResetByWatchdog() => resetByWatchdog;

    public void Disarm() => Disarmed = true;

    public void Dispose() { }
}
