using Eve.Appliance.Platform.Gpt;

namespace Eve.Appliance.Agent.BaseOs;

/// <summary>The partition gptprio.next picked, its state before and after the try was consumed
/// (equal when it was already successful).</summary>
internal sealed record BootChoice(GptPartitionEntry Partition, PartitionState Before, PartitionState After)
{
    public string Name => Partition.Name;
    public bool ConsumedTry => Before != After;
}
