namespace Eve.Appliance.Controller.Objects.Model;

/// <summary>One EVE ACE: all matches must hold; the action is allow unless it says otherwise.</summary>
public sealed class AclRule
{
    public string? Name { get; set; }
    public List<AclMatch> Matches { get; set; } = [];
    /// <summary>allow, drop, portmap or limit.</summary>
    public string Action { get; set; } = "allow";
    /// <summary>For portmap: the app's port the matched lport maps to.</summary>
    public int AppPort { get; set; }
    /// <summary>For limit: packets per unit, the unit (s, m, h) and the burst.</summary>
    public int LimitRate { get; set; }
    public string? LimitUnit { get; set; }
    public int LimitBurst { get; set; }
}
