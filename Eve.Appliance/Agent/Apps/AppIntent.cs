namespace Eve.Appliance.Agent.Apps;

/// <summary>One app instance as the config wants it, reduced to what the apps subsystem acts on.
/// List fields compare by reference; <see cref="Fingerprint"/> is the value to compare.</summary>
internal sealed record AppIntent
{
    public required Guid Id { get; init; }
    public required string Name { get; init; }
    public string Version { get; init; } = "";
    public int Vcpus { get; init; } = 1;
    public long MemoryKiB { get; init; } = 256 * 1024;
    public bool Activate { get; init; } = true;
    public uint RestartCounter { get; init; }
    public uint PurgeCounter { get; init; }
    public TimeSpan StartDelay { get; init; }
    public bool EnableVnc { get; init; }
    public int VncDisplay { get; init; }
    public string? VncPassword { get; init; }
    /// <summary>Where QEMU's VNC server listens: loopback, unless the device's `app.allow.vnc` item
    /// (EVE's switch for reaching app consoles from outside the box) is true.</summary>
    public string VncListenAddress { get; init; } = "127.0.0.1";
    /// <summary>VmConfig.extraargs: the kernel command line for a direct boot.</summary>
    public string? KernelArgs { get; init; }
    public IReadOnlyList<VolumeIntent> Volumes { get; init; } = [];
    /// <summary>The app's network adapters (names), in config order; see <see cref="IAppNetworkAttachment"/>.</summary>
    public IReadOnlyList<AppInterfaceIntent> Interfaces { get; init; } = [];
    /// <summary>Host serial devices passed through (COM adapters), in config order.</summary>
    public IReadOnlyList<AppSerialPort> SerialPorts { get; init; } = [];
    /// <summary>Cloud-init user data, base64 as AppInstanceConfig.userData carries it, already
    /// decrypted from cipherData; null when the app has none. Goes to the VM as a NoCloud seed disk.</summary>
    public string? UserData { get; init; }

    /// <summary>Everything that, when changed, needs the domain rebuilt (not the counters: they
    /// are compared on their own, because their meaning is "did it change", not "what is it").</summary>
    public string DomainFingerprint => string.Join('|', [
        Vcpus, MemoryKiB, EnableVnc, VncDisplay, VncPassword ?? "", VncListenAddress, KernelArgs ?? "",
        string.Join(',', Volumes.Select(v => $"{v.Id}:{v.Generation}:{v.Target}:{v.MaxSizeBytes}:{v.Content?.Sha256}")),
        string.Join(',', Interfaces.Select(i => $"{i.Name}:{i.NetworkId}:{i.Mac}")),
        string.Join(',', SerialPorts.Select(p => $"{p.Name}:{p.HostPath}")),
    ]) + UserDataFingerprint;

    // Only a hash (the fingerprint is persisted in the app's record), and nothing for apps without
    // user data, so their fingerprint stays what it was before seed disks existed (no restart on upgrade).
    private string UserDataFingerprint => string.IsNullOrEmpty(UserData) ? ""
        : "|userdata:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(UserData)));
}
