using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Agent.Apps;

/// <summary>What the apps subsystem remembers about one app across agent restarts
/// (PersistDir/apps/state/&lt;uuid&gt;.json): its lifecycle state, which restart and purge
/// counters it has acted on, which content and volumes it was prepared for, and its last error.</summary>
internal sealed record AppRecord
{
    public required Guid Id { get; init; }
    public string Name { get; init; } = "";
    public ZSwState State { get; init; } = ZSwState.Initial;
    public uint RestartApplied { get; init; }
    public uint PurgeApplied { get; init; }
    /// <summary><see cref="AppIntent.DomainFingerprint"/> the volumes were made for (null: not yet).</summary>
    public string? PreparedFor { get; init; }
    public DateTimeOffset? BootTime { get; init; }
    public string? Error { get; init; }
    public DateTimeOffset? ErrorAt { get; init; }
    /// <summary>How often QEMU went away without being asked (reported, and restarted).</summary>
    public int Crashes { get; init; }
}
