namespace Eve.Appliance.Platform.Qemu;

/// <summary>Everything needed to start one VM. Paths must be absolute: a daemonized QEMU changes
/// its directory to /. List fields compare by reference (record equality), so reconciler items
/// that embed a spec should compare the rendered command line instead.</summary>
internal sealed record QemuDomainSpec
{
    public required string Name { get; init; }
    public required Guid Uuid { get; init; }
    public int Vcpus { get; init; } = 1;
    public long MemoryKiB { get; init; } = 256 * 1024;
    public string Machine { get; init; } = "pc";
    public IReadOnlyList<QemuDisk> Disks { get; init; } = [];
    public IReadOnlyList<QemuNic> Nics { get; init; } = [];
    public QemuDirectBoot? DirectBoot { get; init; }
    /// <summary>The guest's first serial port is appended to this file (the app's console log).</summary>
    public string? SerialLogPath { get; init; }
    public QemuVnc? Vnc { get; init; }
    public required string QmpSocketPath { get; init; }
    public required string PidFilePath { get; init; }
    /// <summary>swtpm's control socket (`swtpm socket --ctrl type=unixio,path=...`) for a vTPM.</summary>
    public string? VtpmSocketPath { get; init; }
    /// <summary>The network namespace QEMU runs in (its tap NICs live there), or null for the
    /// agent's own. QEMU enters it through `ip netns exec`, which execs QEMU in place, so the
    /// pidfile still names a qemu-system process and adoption works unchanged.</summary>
    public string? Netns { get; init; }
    /// <summary>Appended verbatim; for devices the model does not know yet.</summary>
    public IReadOnlyList<string> ExtraArgs { get; init; } = [];
}
