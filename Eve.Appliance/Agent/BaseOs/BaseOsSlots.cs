namespace Eve.Appliance.Agent.BaseOs;

/// <summary>The A/B state as the running system sees it: the EVE state of the partition it booted
/// from and of the other one. This is the whole persisted state of the update machine; it lives in
/// the GPT attributes, so a restart or a power cut resumes from it.</summary>
internal readonly record struct BaseOsSlots(EvePartitionState Current, EvePartitionState Other)
{
    public override string ToString() => $"current {PartitionState.Name(Current)}, other {PartitionState.Name(Other)}";
}
