namespace Eve.Appliance.Controller.Objects.Model;

/// <summary>An image apps and base-OS versions are made from. With no <see cref="DatastoreId"/> it
/// lives in the controller's built-in datastore (DATA/images/sha256/&lt;sha256&gt;), which must then
/// hold those bytes; otherwise <see cref="RelativeUrl"/> is its path below the datastore.</summary>
public sealed class ImageObject : OpsObject
{
    public string Sha256 { get; set; } = "";
    public long SizeBytes { get; set; }
    /// <summary>raw, qcow2, iso, vhdx or container.</summary>
    public string Format { get; set; } = "qcow2";
    public string? DatastoreId { get; set; }
    public string? RelativeUrl { get; set; }
}
