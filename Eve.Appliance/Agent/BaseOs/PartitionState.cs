namespace Eve.Appliance.Agent.BaseOs;

/// <summary>The gptprio view of a partition's 64-bit GPT attribute word (the ChromeOS/CoreOS
/// layout GRUB's gptprio module reads): priority in bits 48–51, tries left in 52–55, successful
/// in bit 56. Bits 0–47 (e.g. bit 2, legacy BIOS bootable) are never touched.</summary>
internal readonly record struct PartitionState(ulong Attributes)
{
    public const int PriorityShift = 48;
    public const int TriesShift = 52;
    public const int SuccessfulBit = 56;
    private const ulong GptPrioMask = 0xFFFFUL << PriorityShift;

    public const ushort ActiveCode = 0x102;
    public const ushort UpdatingCode = 0x13;
    public const ushort InProgressCode = 0x3;
    public const ushort UnusedCode = 0x0;

    public int Priority => (int)((Attributes >> PriorityShift) & 0xF);
    public int TriesLeft => (int)((Attributes >> TriesShift) & 0xF);
    public bool Successful => ((Attributes >> SuccessfulBit) & 1) != 0;

    /// <summary>The upper 16 bits, the value EVE's zboot compares and sets.</summary>
    public ushort Upper16 => (ushort)(Attributes >> PriorityShift);

    /// <summary>What GRUB's gptprio.next requires before comparing priorities.</summary>
    public bool Bootable => Priority > 0 && (TriesLeft > 0 || Successful);

    public EvePartitionState Eve => Upper16 switch
    {
        UnusedCode => EvePartitionState.Unused,
        InProgressCode => EvePartitionState.InProgress,
        UpdatingCode => EvePartitionState.Updating,
        ActiveCode => EvePartitionState.Active,
        _ => EvePartitionState.Other,
    };

    public static ushort CodeOf(EvePartitionState s) => s switch
    {
        EvePartitionState.Unused => UnusedCode,
        EvePartitionState.InProgress => InProgressCode,
        EvePartitionState.Updating => UpdatingCode,
        EvePartitionState.Active => ActiveCode,
        _ => throw new ArgumentOutOfRangeException(nameof(s), s, "EVE never writes this state"),
    };

    /// <summary>Sets the whole upper 16 bits, like `cgpt add -A` in EVE's zboot; bits 0–47 stay.</summary>
    public PartitionState With(EvePartitionState s) =>
        new((Attributes & ~GptPrioMask) | ((ulong)CodeOf(s) << PriorityShift));

    /// <summary>What gptprio.next does to the chosen partition: tries − 1, nothing else. From
    /// `updating` (0x13) that yields `inprogress` (0x03).</summary>
    public PartitionState WithTriesLeft(int tries)
    {
        if (tries is < 0 or > 15) throw new ArgumentOutOfRangeException(nameof(tries), tries, "tries must be 0..15");
        return new((Attributes & ~(0xFUL << TriesShift)) | ((ulong)tries << TriesShift));
    }

    public static string Name(EvePartitionState s) => s switch
    {
        EvePartitionState.Unused => "unused",
        EvePartitionState.InProgress => "inprogress",
        EvePartitionState.Updating => "updating",
        EvePartitionState.Active => "active",
        _ => "other",
    };

    public override string ToString() =>
        $"{Name(Eve)} (0x{Upper16:X}: priority {Priority}, tries {TriesLeft}, successful {(Successful ? 1 : 0)})";
}
