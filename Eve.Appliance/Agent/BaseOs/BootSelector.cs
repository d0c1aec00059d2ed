using Eve.Appliance.Platform.Gpt;

namespace Eve.Appliance.Agent.BaseOs;

/// <summary>GRUB's gptprio.next (CoreOS patch, carried by EVE in pkg/grub), in C#, so tests can
/// "boot" a disk image: walk the entries in table order; a partition is a candidate when its
/// priority is above the best so far and it has tries left or is successful; strictly-greater
/// means ties go to the lowest index. Then, if the winner has tries left, decrement them and
/// rewrite the GPT before booting it.
///
/// GRUB filters candidates by type GUID (CoreOS /usr, 5dfbf5f4-…); EVE's make-raw gives exactly
/// IMGA and IMGB that type. We filter by EVE's names, and <see cref="CheckLayout"/> verifies the two
/// rules pick the same set on a given disk.</summary>
internal static class BootSelector
{
    public static readonly Guid EveRootfsType = new("5dfbf5f4-2848-4bac-aa5e-0d9a20b745a6");
    public static readonly string[] SlotNames = ["IMGA", "IMGB"];

    /// <summary>The partition gptprio.next would boot and its state after the try, or null when
    /// nothing is bootable (GRUB: "no such partition").</summary>
    public static BootChoice? Select(GptTable table)
    {
        GptPartitionEntry? best = null;
        int bestPriority = 0;
        foreach (var p in table.Partitions)
        {
            if (!IsSlot(p)) continue;
            var s = new PartitionState(p.Attributes);
            if ((s.TriesLeft > 0 || s.Successful) && s.Priority > bestPriority)
            {
                best = p;
                bestPriority = s.Priority;
            }
        }
        if (best is not { } b) return null;
        var before = new PartitionState(b.Attributes);
        var after = before.TriesLeft > 0 ? before.WithTriesLeft(before.TriesLeft - 1) : before;
        return new BootChoice(b, before, after);
    }

    /// <summary>The table to write before booting <paramref name="choice"/> (the same table when
    /// no try was consumed).</summary>
    public static GptTable ConsumeTry(GptTable table, BootChoice choice) =>
        choice.ConsumedTry ? table.WithAttributes(choice.Partition.Number, choice.After.Attributes) : table;

    /// <summary>One GRUB boot on a disk: read (a damaged copy is repaired from the other, as GRUB's
    /// gptrepair does), select, consume the try with a crash-safe rewrite, return what boots.</summary>
    public static async Task<BootChoice> BootAsync(IBlockDevice dev, CancellationToken ct = default)
    {
        var read = await GptReader.ReadAsync(dev, ct).ConfigureAwait(false);
        var choice = Select(read.Table)
            ?? throw new GptException($"disk {dev.Name}: no bootable IMGA/IMGB partition (none has priority > 0 with tries left or the successful bit). " +
                $"States: {string.Join(", ", read.Table.Partitions.Where(IsSlot).Select(p => $"{p.Name}={new PartitionState(p.Attributes)}"))}");
        var target = ConsumeTry(read.Table, choice);
        if (choice.ConsumedTry || read.NeedsRepair) await GptWriter.WriteAsync(dev, target, ct).ConfigureAwait(false);
        return choice;
    }

    /// <summary>Problems that would make our name rule and GRUB's type rule disagree.</summary>
    public static IReadOnlyList<string> CheckLayout(GptTable table)
    {
        var problems = new List<string>();
        foreach (var name in SlotNames)
        {
            var p = table.Find(name);
            if (p is null) problems.Add($"no partition named {name}");
            else if (p.Value.TypeGuid != EveRootfsType) problems.Add($"{name} has type {p.Value.TypeGuid}, GRUB's gptprio only considers {EveRootfsType}");
        }
        foreach (var p in table.Partitions)
            if (p.TypeGuid == EveRootfsType && !IsSlot(p)) problems.Add($"partition {p.Number} ({p.Name}) has the rootfs type but is not IMGA/IMGB");
        return problems;
    }

    private static bool IsSlot(GptPartitionEntry p) => p.Name is "IMGA" or "IMGB";
}
