using LiteDB;

namespace Eve.Appliance.Controller.Objects.Model;

/// <summary>
/// What a device runs, by reference (ids or names, stored as ids). A device with an assignment in
/// mode "objects" gets the config the compiler makes from these; "raw" means an operator set a
/// whole EdgeDevConfig (`config set`) or reverted to an old version, and the compiler leaves the
/// device alone until the assignment is put again.
/// </summary>
public sealed class DeviceAssignment
{
    [BsonId] public string DeviceId { get; set; } = "";
    public List<string> Apps { get; set; } = [];
    public List<string> Networks { get; set; } = [];
    public List<string> Volumes { get; set; } = [];
    public List<string> ConfigItems { get; set; } = [];
    public List<string> Profiles { get; set; } = [];
    public string? PortConfig { get; set; }
    public string? BaseOs { get; set; }
    /// <summary>EVE's reboot DeviceOpsCmd counter: bumping it asks the device to reboot once. Only ever grows.</summary>
    public int RebootCounter { get; set; }
    /// <summary>objects or raw.</summary>
    public string Mode { get; set; } = AssignmentModes.Objects;
    public string? ModeReason { get; set; }
    public DateTime UpdatedAt { get; set; }
}
