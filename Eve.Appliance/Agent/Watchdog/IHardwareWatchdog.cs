namespace Eve.Appliance.Agent.Watchdog;

/// <summary>The board's watchdog timer: once opened it resets the machine unless kept alive.
/// One real implementation (<see cref="LinuxHardwareWatchdog"/>, /dev/watchdog); tests use a fake.</summary>
internal interface IHardwareWatchdog : IDisposable
{
    /// <summary>Where it is ("/dev/watchdog"), for messages.</summary>
    string Name { get; }

    /// <summary>Sets the reset timeout; returns what the driver accepted (drivers round).</summary>
    int SetTimeout(int seconds);

    void KeepAlive();

    /// <summary>True when the driver says the last reset came from the watchdog (WDIOF_CARDRESET).</summary>
    bool LastResetByWatchdog();

    /// <summary>Stops the timer on purpose (magic close 'V'), for a clean shutdown. Never called
    /// when a part is hung: then the board must reset.</summary>
    void Disarm();
}
