using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Eve.Appliance.Agent.Watchdog;

/// <summary>/dev/watchdog through ioctl(2). Opening the node arms the timer, so this is opened
/// only when the operator asked for a hardware watchdog and the node exists.</summary>
internal sealed class LinuxHardwareWatchdog : IHardwareWatchdog
{
    private const int ORdWr = 2, OCloexec = 0x80000;
    private int _fd;

    private LinuxHardwareWatchdog(string path, int fd)
    {
        Name = path;
        _fd = fd;
    }

    public string Name { get; }

    /// <summary>Opens the device, or null when there is none (a VM without i6300esb, a workstation).</summary>
    public static LinuxHardwareWatchdog? TryOpen(string path = "/dev/watchdog")
    {
        if (!File.Exists(path)) return null;
        int fd = Open(path, ORdWr | OCloexec);
        if (fd < 0)
            throw new IOException($"cannot open hardware watchdog {path}: {new Win32Exception(Marshal.GetLastPInvokeError()).Message}. " +
                "Another process (systemd, watchdogd) may hold it; only one may.");
        return new LinuxHardwareWatchdog(path, fd);
    }

    public int SetTimeout(int seconds)
    {
        int v = seconds;
        Call(WatchdogIoctl.SetTimeout, ref v, "WDIOC_SETTIMEOUT");
        return v;
    }

    public void KeepAlive()
    {
        int v = 0;
        Call(WatchdogIoctl.KeepAlive, ref v, "WDIOC_KEEPALIVE");
    }

    public bool LastResetByWatchdog()
    {
        int v = 0;
        Call(WatchdogIoctl.GetBootStatus, ref v, "WDIOC_GETBOOTSTATUS");
        return (v & WatchdogIoctl.CardReset) != 0;
    }

    public void Disarm()
    {
        if (_fd < 0) return;
        byte v = (byte)'V';
        _ = Write(_fd, ref v, 1);
    }

    public void Dispose()
    {
        if (_fd >= 0) _ = Close(_fd);
        _fd = -1;
    }

    private void Call(uint request, ref int value, string what)
    {
        if (Ioctl(_fd, request, ref value) < 0)
            throw new IOException($"{what} on {Name} failed: {new Win32Exception(Marshal.GetLastPInvokeError()).Message}");
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static extern int Ioctl(int fd, nuint request, ref int value);

    [DllImport("libc", EntryPoint = "write", SetLastError = true)]
    private static extern nint Write(int fd, ref byte b, nint count);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
