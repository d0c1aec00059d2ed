namespace Eve.Appliance.Platform.Qemu;

internal sealed record QemuSupervisorOptions
{
    public string QemuBinary { get; init; } = QemuCommandLine.Binary;
    /// <summary>Until the daemonized QEMU has its devices up and its QMP socket listening.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan QmpTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>How often the pid is checked besides watching the QMP socket for EOF.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);
    /// <summary>How long the guest gets to power off after system_powerdown before `quit`.</summary>
    public TimeSpan PowerdownTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How long QEMU gets to exit after `quit` before SIGKILL.</summary>
    public TimeSpan QuitTimeout { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>After the QMP socket closes QEMU tears down for a moment; this long, then it is hung.</summary>
    public TimeSpan ExitGrace { get; init; } = TimeSpan.FromSeconds(5);
}
