namespace Eve.Appliance.Agent.BaseOs;

/// <summary>EVE's names for the upper 16 attribute bits of IMGA/IMGB (zboot partstate /
/// set_partstate, which call `cgpt add -A`). <see cref="Other"/> is any value EVE never writes.</summary>
internal enum EvePartitionState
{
    /// <summary>0x000: priority 0, never booted.</summary>
    Unused,
    /// <summary>0x003: priority 3, no tries left, not successful: booted once and not yet
    /// committed. GRUB will not pick it again, which is what makes fallback automatic.</summary>
    InProgress,
    /// <summary>0x013: priority 3, one try: the next boot tries it once.</summary>
    Updating,
    /// <summary>0x102: priority 2, successful.</summary>
    Active,
    Other,
}
