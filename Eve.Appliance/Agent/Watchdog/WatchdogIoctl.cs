namespace Eve.Appliance.Agent.Watchdog;

/// <summary>The Linux watchdog ioctl numbers (include/uapi/linux/watchdog.h), computed with the
/// kernel's generic _IOC encoding (asm-generic/ioctl.h, used by x86 and arm64): dir in bits 30–31,
/// argument size in 16–29, type in 8–15, number in 0–7.</summary>
internal static class WatchdogIoctl
{
    private const uint IocWrite = 1, IocRead = 2;
    private const byte Type = (byte)'W';
    private const int WatchdogInfoSize = 40; // struct watchdog_info { u32 options; u32 firmware_version; u8 identity[32]; }

    public static uint Ioc(uint dir, byte type, byte nr, int size) => (dir << 30) | ((uint)size << 16) | ((uint)type << 8) | nr;

    public static readonly uint GetSupport = Ioc(IocRead, Type, 0, WatchdogInfoSize);
    public static readonly uint GetStatus = Ioc(IocRead, Type, 1, sizeof(int));
    public static readonly uint GetBootStatus = Ioc(IocRead, Type, 2, sizeof(int));
    public static readonly uint KeepAlive = Ioc(IocRead, Type, 5, sizeof(int));
    public static readonly uint SetTimeout = Ioc(IocRead | IocWrite, Type, 6, sizeof(int));
    public static readonly uint GetTimeout = Ioc(IocRead, Type, 7, sizeof(int));

    /// <summary>WDIOF_CARDRESET in the boot status: the last reboot was caused by the watchdog.</summary>
    public const int CardReset = 0x0020;
}
