using System.Globalization;
using System.Text.RegularExpressions;

namespace Eve.Appliance.Platform.Qemu;

/// <summary>Turns a <see cref="QemuDomainSpec"/> into qemu-system-x86_64 argv. Pure, so the exact
/// command line is unit-tested and reconcilers can compare it. QEMU always runs daemonized with a
/// pidfile and a QMP socket, so it outlives the agent (see <see cref="QemuSupervisor"/>).</summary>
internal static partial class QemuCommandLine
{
    public const string Binary = "qemu-system-x86_64";
    public const int MaxVcpus = 64;
    public const long MinMemoryKiB = 16 * 1024;
    // sockaddr_un.sun_path is 108 bytes including the terminating NUL.
    public const int MaxUnixSocketPath = 107;

    public static IReadOnlyList<string> Build(QemuDomainSpec spec, QemuAccel accel)
    {
        var problems = Validate(spec);
        if (problems.Count > 0) throw new QemuSpecException(spec.Name, problems);

        var a = new List<string>(64)
        {
            "-name", $"{Opt(spec.Name)},debug-threads=on",
            "-uuid", spec.Uuid.ToString("D"),
            "-accel", accel == QemuAccel.Kvm ? "kvm" : "tcg",
            "-machine", spec.Machine,
            "-smp", spec.Vcpus.ToString(CultureInfo.InvariantCulture),
            "-m", spec.MemoryKiB.ToString(CultureInfo.InvariantCulture) + "K",
            // Only what the spec asks for: no default NIC, VGA, CD-ROM or monitor.
            "-nodefaults", "-no-user-config",
            "-display", "none",
            "-qmp", $"unix:{Opt(spec.QmpSocketPath)},server=on,wait=off",
            "-pidfile", spec.PidFilePath,
            "-daemonize",
        };
        // TCG keeps QEMU's default CPU model: `-cpu max` boots measurably slower (PLATFORM.md §1).
        if (accel == QemuAccel.Kvm) a.AddRange(["-cpu", "host"]);
        if (spec.SerialLogPath is { } serial)
        {
            a.AddRange(["-chardev", $"file,id=serial0,path={Opt(serial)},append=on", "-serial", "chardev:serial0"]);
        }
        if (spec.DirectBoot is { } boot)
        {
            a.AddRange(["-kernel", boot.Kernel]);
            if (boot.Initrd is { } initrd) a.AddRange(["-initrd", initrd]);
            if (boot.Append is { } append) a.AddRange(["-append", append]);
        }
        for (var i = 0; i < spec.Disks.Count; i++)
        {
            var d = spec.Disks[i];
            a.AddRange([
                "-drive", $"file={Opt(d.Path)},if=none,id=disk{i},format={d.Format.ToQemu()}" + (d.ReadOnly ? ",readonly=on" : ""),
                "-device", $"virtio-blk-pci,drive=disk{i},id=vdisk{i}",
            ]);
        }
        for (var i = 0; i < spec.Nics.Count; i++)
        {
            var n = spec.Nics[i];
            var netdev = n.Kind == QemuNicKind.Tap
                ? $"tap,id=net{i},ifname={n.TapIfName},script=no,downscript=no"
                : $"user,id=net{i}";
            a.AddRange(["-netdev", netdev, "-device", $"virtio-net-pci,netdev=net{i},mac={n.Mac.ToLowerInvariant()},id=nic{i}"]);
        }
        if (spec.Vnc is { } vnc)
        {
            var host = vnc.ListenAddress.Contains(':') ? $"[{vnc.ListenAddress}]" : vnc.ListenAddress;
            a.AddRange(["-vga", "std", "-vnc", $"{host}:{vnc.Display}" + (vnc.Password is null ? "" : ",password=on")]);
        }
        if (spec.VtpmSocketPath is { } tpm)
        {
            a.AddRange([
                "-chardev", $"socket,id=chrtpm,path={Opt(tpm)}",
                "-tpmdev", "emulator,id=tpm0,chardev=chrtpm",
                "-device", "tpm-tis,tpmdev=tpm0",
            ]);
        }
        a.AddRange(spec.ExtraArgs);
        return a;
    }

    /// <summary>Every broken rule of the spec, in readable form; empty when it is usable.</summary>
    public static IReadOnlyList<string> Validate(QemuDomainSpec spec)
    {
        var p = new List<string>();
        if (string.IsNullOrWhiteSpace(spec.Name)) p.Add("name is empty: give the VM a name");
        if (spec.Vcpus < 1 || spec.Vcpus > MaxVcpus) p.Add($"vcpus = {spec.Vcpus}: must be 1–{MaxVcpus}");
        if (spec.MemoryKiB < MinMemoryKiB) p.Add($"memory = {spec.MemoryKiB} KiB: must be at least {MinMemoryKiB} KiB");
        if (spec.Disks.Count == 0 && spec.DirectBoot is null) p.Add("nothing to boot: give a disk or a kernel");
        Absolute(p, "QMP socket", spec.QmpSocketPath);
        if (spec.QmpSocketPath.Length > MaxUnixSocketPath)
            p.Add($"QMP socket path is {spec.QmpSocketPath.Length} bytes: unix sockets allow {MaxUnixSocketPath}; use a shorter run directory");
        Absolute(p, "pidfile", spec.PidFilePath);
        if (spec.SerialLogPath is { } s) Absolute(p, "serial log", s);
        if (spec.VtpmSocketPath is { } t) Absolute(p, "vTPM socket", t);
        if (spec.DirectBoot is { } b)
        {
            Absolute(p, "kernel", b.Kernel);
            if (b.Initrd is { } i) Absolute(p, "initrd", i);
        }
        foreach (var d in spec.Disks) Absolute(p, "disk", d.Path);
        foreach (var n in spec.Nics)
        {
            if (!MacPattern().IsMatch(n.Mac)) p.Add($"NIC MAC '{n.Mac}': must look like 52:54:00:12:34:56");
            if (n.Kind == QemuNicKind.Tap && (string.IsNullOrEmpty(n.TapIfName) || n.TapIfName.Length > 15 || n.TapIfName.Contains(',')))
                p.Add($"tap interface name '{n.TapIfName}': must be 1–15 characters without commas");
        }
        if (spec.Vnc is { } v && (v.Display < 0 || v.Display > 59535))
            p.Add($"VNC display {v.Display}: must be 0–59535 (port 5900 + display)");
        return p;
    }

    private static void Absolute(List<string> problems, string what, string path)
    {
        if (string.IsNullOrEmpty(path) || !Path.IsPathRooted(path))
            problems.Add($"{what} path '{path}' is not absolute: a daemonized QEMU runs in /");
    }

    // QEMU option values use ',' as a separator; a literal comma is written twice.
    private static string Opt(string value) => value.Replace(",", ",,", StringComparison.Ordinal);

    [GeneratedRegex("^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$")]
    private static partial Regex MacPattern();
}
