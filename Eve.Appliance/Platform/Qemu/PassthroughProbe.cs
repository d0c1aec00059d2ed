namespace Eve.Appliance.Platform.Qemu;

/// <summary>PCI passthrough needs VFIO (the vfio-pci driver and /dev/vfio/vfio); hosts without it
/// (like the build machines, whose kernel has no VFIO) report a reason instead of failing at start.</summary>
internal sealed class PassthroughProbe(string vfioDevice = "/dev/vfio/vfio", string vfioPciDriver = "/sys/bus/pci/drivers/vfio-pci")
{
    public static PassthroughProbe Host { get; } = new();

    /// <summary>Null when PCI passthrough can work here, else why not.</summary>
    public string? PciUnavailableReason() =>
        !File.Exists(vfioDevice) ? $"PCI passthrough is not available here: {vfioDevice} is missing (host kernel without VFIO)"
        : !Directory.Exists(vfioPciDriver) ? $"PCI passthrough is not available here: the vfio-pci driver is not loaded ({vfioPciDriver} missing)"
        : null;
}
