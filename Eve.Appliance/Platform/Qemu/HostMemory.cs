using System.Globalization;

namespace Eve.Appliance.Platform.Qemu;

/// <summary>Memory admission for VMs: a VM that does not fit in what the host has available is
/// refused before QEMU starts, with the numbers in the reason, instead of being OOM-killed later.</summary>
internal static class HostMemory
{
    /// <summary>An allowance for QEMU's own memory on top of the guest's RAM (device model, TCG
    /// translation buffer, I/O buffers). A conservative round figure, not a per-VM measurement.</summary>
    public const long DefaultOverheadKiB = 96 * 1024;

    /// <summary>MemAvailable from /proc/meminfo (KiB): what can be allocated without swapping.</summary>
    public static long ReadAvailableKiB(string meminfoPath = "/proc/meminfo")
    {
        foreach (var line in File.ReadLines(meminfoPath))
        {
            if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal)) continue;
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return long.Parse(parts[1], CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException($"{meminfoPath} has no MemAvailable line (kernel older than 3.14?)");
    }

    /// <summary>Null when the VM fits, else the reason for the app's info.
    /// <paramref name="reservedKiB"/> is memory promised to VMs that are starting but not yet resident.</summary>
    public static string? Admit(QemuDomainSpec spec, long availableKiB, long reservedKiB = 0, long overheadKiB = DefaultOverheadKiB)
    {
        var need = spec.MemoryKiB + overheadKiB;
        var free = availableKiB - reservedKiB;
        return need <= free
            ? null
            : $"VM '{spec.Name}' needs {need / 1024} MiB ({spec.MemoryKiB / 1024} MiB guest + {overheadKiB / 1024} MiB QEMU) but only {Math.Max(free, 0) / 1024} MiB is available; " +
              "lower the app's memory or stop another app";
    }
}
