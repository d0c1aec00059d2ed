namespace Eve.Appliance.Controller.LocalProfile;

/// <summary>Boot order of an app's USB devices: usb, nousb or unspecified.</summary>
public sealed class LpsAppBoot
{
    public string? Id { get; set; }
    public string? DisplayName { get; set; }
    public string UsbBoot { get; set; } = "unspecified";
}
