namespace Eve.Appliance.Controller.Objects.Model;

/// <summary>One image of an app and how the VM uses it.</summary>
public sealed class AppImageRef
{
    public string ImageId { get; set; } = "";
    /// <summary>disk, kernel or initrd.</summary>
    public string Target { get; set; } = "disk";
    /// <summary>Size of the disk volume made from the image (0 = the image's own size).</summary>
    public long SizeBytes { get; set; }
}
