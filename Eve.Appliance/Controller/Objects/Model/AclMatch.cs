namespace Eve.Appliance.Controller.Objects.Model;

/// <summary>An ACE match: type ip, host, protocol, lport, fport or adapter, and its value.</summary>
public sealed class AclMatch
{
    public string Type { get; set; } = "";
    public string Value { get; set; } = "";
}
