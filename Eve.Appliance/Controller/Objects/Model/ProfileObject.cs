namespace Eve.Appliance.Controller.Objects.Model;

/// <summary>A named bundle of objects assigned to many devices at once (a site, a line), plus EVE's
/// profile settings: the global profile name, the local profile server and its token.</summary>
public sealed class ProfileObject : OpsObject
{
    public List<string> Apps { get; set; } = [];
    public List<string> Networks { get; set; } = [];
    public List<string> Volumes { get; set; } = [];
    public List<string> ConfigItems { get; set; } = [];
    public string? PortConfig { get; set; }
    public string? BaseOs { get; set; }
    public string? GlobalProfile { get; set; }
    public string? LocalProfileServer { get; set; }
    public string? ProfileServerToken { get; set; }
}
