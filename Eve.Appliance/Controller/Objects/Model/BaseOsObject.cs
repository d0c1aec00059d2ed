namespace Eve.Appliance.Controller.Objects.Model;

/// <summary>A base-OS version devices can be moved to.</summary>
public sealed class BaseOsObject : OpsObject
{
    public string Version { get; set; } = "";
    public string ImageId { get; set; } = "";
    public bool Activate { get; set; } = true;
}
