namespace Eve.Appliance.Controller.LocalProfile;

/// <summary>restart or purge an app (by id and/or display name); a new timestamp re-triggers it.</summary>
public sealed class LpsAppCommand
{
    public string? Id { get; set; }
    public string? DisplayName { get; set; }
    public string Command { get; set; } = "restart";
    public ulong Timestamp { get; set; }
}
