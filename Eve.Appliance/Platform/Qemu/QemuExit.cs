namespace Eve.Appliance.Platform.Qemu;

/// <summary>A VM's QEMU process has exited. <see cref="RequestedByUs"/> separates a stop we asked
/// for from an exit the reconciler must react to (restart policy, error in info).</summary>
internal sealed record QemuExit(string Domain, int Pid, QemuExitKind Kind, string? ShutdownReason, bool RequestedByUs, DateTimeOffset At)
{
    public string Describe() => Kind switch
    {
        QemuExitKind.GuestShutdown => $"VM '{Domain}' (pid {Pid}) powered off by its guest",
        QemuExitKind.Quit => $"VM '{Domain}' (pid {Pid}) quit on request",
        QemuExitKind.Signal => $"VM '{Domain}' (pid {Pid}) exited on a signal ({ShutdownReason})",
        _ => $"VM '{Domain}' (pid {Pid}) exited without a shutdown event: killed from outside (SIGKILL, OOM) or crashed",
    };
}
