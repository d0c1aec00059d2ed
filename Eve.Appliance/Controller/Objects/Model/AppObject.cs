namespace Eve.Appliance.Controller.Objects.Model;

/// <summary>A VM app: the manifest an operator writes instead of AppInstanceConfig, volumes and
/// content trees. Its images become download volumes in order (disk images first, as the VM sees
/// them), its interfaces attach to network instances with ACLs.</summary>
public sealed class AppObject : OpsObject
{
    public List<AppImageRef> Images { get; set; } = [];
    /// <summary>Extra volume objects (blank data disks, shared content) attached after the images.</summary>
    public List<string> Volumes { get; set; } = [];
    public int Cpus { get; set; } = 1;
    public int MemoryMb { get; set; } = 256;
    public List<AppInterface> Interfaces { get; set; } = [];
    public bool Vnc { get; set; }
    public int VncDisplay { get; set; }
    public string? VncPassword { get; set; }
    /// <summary>cloud-init user-data, plain text (base64-encoded into the config as EVE expects).</summary>
    public string? UserData { get; set; }
    public string? KernelArgs { get; set; }
    /// <summary>false = stopped (EVE's activate).</summary>
    public bool Activate { get; set; } = true;
    /// <summary>EVE's restart/purge counters: bumping one asks the device to restart or purge.</summary>
    public int RestartCounter { get; set; }
    public int PurgeCounter { get; set; }
}
