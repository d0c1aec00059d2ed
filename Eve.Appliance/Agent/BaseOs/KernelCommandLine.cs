namespace Eve.Appliance.Agent.BaseOs;

/// <summary>Which slot the running system booted from, as GRUB tells the kernel.</summary>
internal static class KernelCommandLine
{
    public static string BootedPartition(string cmdline)
    {
        foreach (var arg in cmdline.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var v = arg.StartsWith("eve.partition=", StringComparison.Ordinal) ? arg["eve.partition=".Length..]
                : arg.StartsWith("root=PARTLABEL=", StringComparison.Ordinal) ? arg["root=PARTLABEL=".Length..]
                : null;
            if (v is "IMGA" or "IMGB") return v;
        }
        throw new InvalidOperationException($"cannot tell the booted partition from the kernel command line '{cmdline.Trim()}': " +
            "expected eve.partition=IMGA|IMGB or root=PARTLABEL=IMGA|IMGB (GRUB's gptprio sets it); or pass the partition in the options");
    }

    public static string BootedPartition() => BootedPartition(File.Exists("/proc/cmdline") ? File.ReadAllText("/proc/cmdline") : "");
}
