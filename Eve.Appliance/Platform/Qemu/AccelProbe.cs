namespace Eve.Appliance.Platform.Qemu;

/// <summary>Chooses KVM only where it is real: the CPU advertises VMX/SVM, the KVM module is not
/// Ant Group's PVM (which needs a PVM-enabled guest kernel and makes stock guests hang or crawl,
/// PLATFORM.md §1), and /dev/kvm opens. Anything else gets TCG. The paths are parameters so
/// tests can point the probe at fake host files.</summary>
internal sealed class AccelProbe(
    string cpuInfoPath = "/proc/cpuinfo",
    string pvmModulePath = "/sys/module/kvm_pvm",
    string kvmDevicePath = "/dev/kvm")
{
    public static AccelProbe Host { get; } = new();

    public AccelDecision Probe()
    {
        if (!CpuHasVirtualization(out var why))
            return new AccelDecision(QemuAccel.Tcg, why);
        if (Directory.Exists(pvmModulePath) || File.Exists(pvmModulePath))
            return new AccelDecision(QemuAccel.Tcg,
                $"KVM is the nested PVM flavour ({pvmModulePath} exists); stock guest kernels hang on it, using TCG");
        try
        {
            using var kvm = new FileStream(kvmDevicePath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new AccelDecision(QemuAccel.Tcg, $"{kvmDevicePath} does not open ({e.Message}); using TCG");
        }
        return new AccelDecision(QemuAccel.Kvm, "CPU has hardware virtualization and /dev/kvm opens; using KVM");
    }

    private bool CpuHasVirtualization(out string why)
    {
        string text;
        try
        {
            text = File.ReadAllText(cpuInfoPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            why = $"cannot read {cpuInfoPath} ({e.Message}); using TCG";
            return false;
        }
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (!line.StartsWith("flags")) continue;
            var colon = line.IndexOf(':');
            if (colon < 0) continue;
            foreach (var range in line[(colon + 1)..].Split(' '))
            {
                var flag = line[(colon + 1)..][range];
                if (flag.SequenceEqual("vmx") || flag.SequenceEqual("svm"))
                {
                    why = "";
                    return true;
                }
            }
        }
        why = "CPU flags have neither vmx nor svm (no hardware virtualization); using TCG";
        return false;
    }
}
