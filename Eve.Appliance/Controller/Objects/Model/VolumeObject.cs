namespace Eve.Appliance.Controller.Objects.Model;

/// <summary>A volume apps can attach: blank (no image) or made from an image.</summary>
public sealed class VolumeObject : OpsObject
{
    public string? ImageId { get; set; }
    public long SizeBytes { get; set; }
    public bool ReadOnly { get; set; }
}
