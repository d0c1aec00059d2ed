namespace Eve.Appliance.Platform.Qemu;

internal enum QemuExitKind
{
    /// <summary>The guest powered itself off (or answered system_powerdown).</summary>
    GuestShutdown,
    /// <summary>QEMU left on a QMP `quit`.</summary>
    Quit,
    /// <summary>QEMU was asked to exit by a signal it handles (SIGTERM, SIGINT, SIGHUP).</summary>
    Signal,
    /// <summary>Gone without a SHUTDOWN event: SIGKILL from outside, OOM killer or a crash.</summary>
    Killed,
}
