using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Eve.Appliance.Agent.Watchdog;

/// <summary>/dev/watchdog through ioctl(2). Opening the node arms the timer, so this is opened
/// only when the operator asked for a hardware watchdog and the node exists, and only at its first
/// use — when the agent's watchdog and node parts start — not when the service is built: what the
/// appliance does before (the controller's first start makes its PKI) took over 5 minutes in a VM
/// on a loaded host, nobody pets the timer meanwhile, and the board reset before the appliance was
/// up (found by the first run against QEMU's i6300esb). The open pets it at once.</summary>
internal sealed class LinuxHardwareWatchdog : IHardwareWatchdog
{
    private const int ORdWr = 2, OCloexec = 0x80000;
    private readonly Lock _lock = new();
    private int _fd = -1;
    private bool _closed;

    private LinuxHardwareWatchdog(string path) => Name = path;

    public string Name { get; }

    /// <summary>The device, to be opened at first use, or null when there is none (a VM without i6300esb, a workstation).</summary>
    public static LinuxHardwareWatchdog? TryOpen(string path = "/dev/watchdog") => File.Exists(path) ? new LinuxHardwareWatchdog(path) : null;

    private int Fd()
    {
        lock (_lock)
        {
            if (_fd >= 0) return _fd;
            ObjectDisposedException.ThrowIf(_closed, this);
            int fd = Open(Name, ORdWr | OCloexec);
            if (fd < 0)
                throw new IOException($"cannot open hardware watchdog {Name}: {new Win32Exception(Marshal.GetLastPInvokeError()).Message}. " +
                    "Another process (systemd, watchdogd) may hold it; only one may.");
            _fd = fd;
            int v = 0;
            _ = Ioctl(fd, WatchdogIoctl.KeepAlive, ref v);
            return fd;
        }
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
        lock (_lock)
        {
            if (_fd < 0) return;
            byte v = (byte)'V';
            _ = Write(_fd, ref v, 1);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_fd >= 0) _ = Close(_fd);
            _fd = -1;
            _closed = true;
        }
    }

    private void Call(uint request, ref int value, string what)
    {
        if (Ioctl(Fd(), request, ref value) < 0)
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
