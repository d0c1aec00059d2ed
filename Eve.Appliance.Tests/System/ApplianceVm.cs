using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Eve.Appliance.Platform.Processes;
using Eve.Appliance.Platform.Qemu;

namespace Eve.Appliance.Tests.SystemTests;

/// <summary>The appliance image booted in QEMU (TCG) the way images/appliance/README.md documents:
/// through UEFI (OVMF from Debian's `ovmf`, a copy of its variable store per VM, the EFI partition's
/// own systemd-boot) or directly with `-kernel/-initrd` from the build (the same two files, faster);
/// the disk as a qcow2 overlay over disk.raw (the build output stays untouched; GPT writes land in
/// the overlay), an i6300esb watchdog whose expiry resets the machine, user networking with the
/// embedded controller forwarded to a free port on 127.0.0.1 only, serial console to a file, QMP for
/// `quit` (the power cut) and disk throttling. QEMU is stopped by the pid it wrote, also when the
/// test fails.</summary>
internal sealed class ApplianceVm : IAsyncDisposable
{
    private readonly string _dir;
    private int? _pid;

    private ApplianceVm(string dir, int port)
    {
        _dir = dir;
        ForwardedPort = port;
    }

    public int ForwardedPort { get; }
    public string SerialLog => Path.Combine(_dir, "serial.log");
    public string Disk => Path.Combine(_dir, "vm.qcow2");
    public Stopwatch SinceStart { get; } = new();

    public static async Task<ApplianceVm> CreateAsync(string dir, string imageDir)
    {
        Directory.CreateDirectory(dir);
        await ProcessRunner.Default.RunAsync("qemu-img", ["create", "-q", "-f", "qcow2", "-F", "raw", "-b", Path.Combine(imageDir, "disk.raw"), Path.Combine(dir, "vm.qcow2")]);
        return new ApplianceVm(dir, FreePort());
    }

    /// <summary>Starts QEMU; a reboot inside the guest (reboot -f, panic, watchdog) restarts the
    /// same VM with the same kernel and disk, as a real machine would.</summary>
    public async Task StartAsync(string imageDir, string? usbImage = null, string extraCmdline = "", bool uefi = false)
    {
        File.Delete(SerialLog);
        var pidFile = Path.Combine(_dir, "qemu.pid");
        File.Delete(pidFile);
        string[] boot = uefi ? await UefiAsync() :
        [
            "-kernel", Path.Combine(imageDir, "vmlinuz"), "-initrd", Path.Combine(imageDir, "initrd.img"),
            "-append", ("console=ttyS0 panic=10 " + extraCmdline).Trim(),
        ];
        if (uefi && extraCmdline.Length > 0) throw new ArgumentException("through UEFI the kernel command line is the loader entry's; boot with -kernel to add to it", nameof(extraCmdline));
        string[] args =
        [
            "-accel", "tcg", "-m", "1536", "-smp", "2", "-display", "none", "-no-user-config", "-nodefaults",
            "-serial", "file:" + SerialLog,
            .. boot,
            "-drive", $"file={Disk},if=virtio,format=qcow2,cache=unsafe,id={DiskId}",
            // Not readonly=on: mtools opens its image read-write and fails on a read-only disk.
            .. (usbImage != null ? new[] { "-drive", $"file={usbImage},if=virtio,format=raw" } : []),
            "-netdev", $"user,id=n0,hostfwd=tcp:127.0.0.1:{ForwardedPort.ToString(CultureInfo.InvariantCulture)}-:8443",
            "-device", "virtio-net-pci,netdev=n0,romfile=",
            "-device", "i6300esb", "-watchdog-action", "reset",
            "-qmp", $"unix:{Qmp},server=on,wait=off", "-pidfile", pidFile, "-daemonize",
        ];
        await ProcessRunner.Default.RunAsync("qemu-system-x86_64", args, TimeSpan.FromSeconds(60));
        _pid = int.Parse((await File.ReadAllTextAsync(pidFile)).Trim(), CultureInfo.InvariantCulture);
        SinceStart.Restart();
    }

    private string Qmp => Path.Combine(_dir, "qmp.sock");

    private const string DiskId = "disk0";

    /// <summary>Debian's OVMF (4 MiB build): its code read-only, and a copy of its empty variable
    /// store per VM, kept across reboots of this VM as NVRAM is on a real board.</summary>
    private async Task<string[]> UefiAsync()
    {
        const string Code = "/usr/share/OVMF/OVMF_CODE_4M.fd", Vars = "/usr/share/OVMF/OVMF_VARS_4M.fd";
        if (!File.Exists(Code) || !File.Exists(Vars)) Assert.Fail($"{Code} is missing: install Debian's `ovmf` to boot the image through UEFI");
        var vars = Path.Combine(_dir, "OVMF_VARS.fd");
        if (!File.Exists(vars)) await using (var from = File.OpenRead(Vars)) await using (var to = File.Create(vars)) await from.CopyToAsync(to);
        return ["-drive", $"if=pflash,format=raw,unit=0,readonly=on,file={Code}", "-drive", $"if=pflash,format=raw,unit=1,file={vars}"];
    }

    /// <summary>Limits the guest's writes to its disk (QMP block_set_io_throttle), so that a write
    /// the test wants to interrupt lasts long enough to be interrupted.</summary>
    public async Task ThrottleDiskWritesAsync(long bytesPerSecond)
    {
        await using var qmp = await QmpClient.ConnectAsync(Qmp);
        await qmp.ExecuteAsync("block_set_io_throttle", w =>
        {
            w.WriteString("device", DiskId);
            foreach (var (k, v) in new[] { ("bps", 0L), ("bps_rd", 0L), ("bps_wr", bytesPerSecond), ("iops", 0L), ("iops_rd", 0L), ("iops_wr", 0L) })
                w.WriteNumber(k, v);
        });
    }

    public string Console => File.Exists(SerialLog) ? File.ReadAllText(SerialLog) : "";

    /// <summary>Waits for a console line containing <paramref name="text"/> after
    /// <paramref name="from"/> characters of the log; returns the position after it.</summary>
    public async Task<int> WaitForConsoleAsync(string text, TimeSpan timeout, int from = 0)
    {
        var deadline = DateTime.UtcNow + timeout;
        string content = "";
        while (DateTime.UtcNow < deadline)
        {
            content = Console;
            var i = content.Length > from ? content.IndexOf(text, from, StringComparison.Ordinal) : -1;
            if (i >= 0) return i + text.Length;
            if (_pid is { } pid && !File.Exists($"/proc/{pid}/stat")) break;
            await Task.Delay(250);
        }
        Assert.Fail($"'{text}' did not appear on the appliance console within {timeout.TotalSeconds:0} s (QEMU {(IsRunning ? "running" : "exited")}); console tail:\n{Tail(content)}");
        return -1;
    }

    /// <summary>How many times the boot stage ran since the last start: a reset (watchdog, panic) shows as more than one.</summary>
    public int Boots => System.Text.RegularExpressions.Regex.Matches(Console, "EVE-BOOT: gptprio on").Count;

    public bool IsRunning => _pid is { } pid && File.Exists($"/proc/{pid}/stat");

    /// <summary>The power cut: QMP `quit` stops the machine between two instructions; nothing in
    /// the guest gets to flush or unmount.</summary>
    public async Task PowerCutAsync()
    {
        await using (var qmp = await QmpClient.ConnectAsync(Qmp))
        {
            try { await qmp.ExecuteAsync("quit"); }
            catch (QmpException) { } // the socket closes as QEMU exits
        }
        await WaitExitAsync();
    }

    private async Task WaitExitAsync()
    {
        for (var i = 0; i < 200 && IsRunning; i++) await Task.Delay(100);
        _pid = null;
    }

    public static string Tail(string s, int n = 4000) => s.Length > n ? s[^n..] : s;

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_pid is { } pid && IsRunning)
        {
            try { Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
            await WaitExitAsync();
        }
    }
}
