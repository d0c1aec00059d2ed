namespace Eve.Appliance.Agent.Telemetry.Proc;

/// <summary>/sys/class/dmi/id: empty strings where the file is missing or unreadable (serial and UUID
/// need root; VMs and containers often have no DMI at all).</summary>
internal sealed record DmiInfo(string Vendor, string Product, string Version, string Serial, string Uuid,
    string BiosVendor, string BiosVersion, string BiosDate)
{
    public static DmiInfo Empty { get; } = new("", "", "", "", "", "", "", "");
}
