using System.Buffers.Binary;

namespace Eve.Appliance.Platform.Gpt;

/// <summary>Sector 0 of a GPT disk. EVE's make-raw builds a *hybrid* MBR (`sgdisk -h1`, then
/// reorders the records so the EFI partition comes first) and puts GRUB's stage 1 in bytes 0..445,
/// so we accept any MBR with a 0xEE record and never rewrite sector 0 when changing the GPT.</summary>
internal static class ProtectiveMbr
{
    public const byte GptProtectiveType = 0xEE;
    private const int RecordsOffset = 446;

    /// <summary>Null when sector 0 is a protective or hybrid MBR for a GPT disk, else why not.</summary>
    public static string? Check(ReadOnlySpan<byte> sector0)
    {
        if (sector0[510] != 0x55 || sector0[511] != 0xAA)
            return $"MBR boot signature is {sector0[510]:X2}{sector0[511]:X2}, expected 55AA";
        for (int i = 0; i < 4; i++)
            if (sector0[RecordsOffset + 16 * i + 4] == GptProtectiveType) return null;
        return "MBR has no 0xEE (GPT protective) partition record: this is not a GPT disk";
    }

    /// <summary>A fresh protective MBR: one 0xEE record covering LBA 1 to the end of the disk
    /// (capped at 2^32-1 sectors), as sgdisk -o writes it.</summary>
    public static void WriteProtective(Span<byte> sector0, ulong diskSectors)
    {
        sector0.Clear();
        var rec = sector0.Slice(RecordsOffset, 16);
        rec[0] = 0x00;                          // not bootable
        rec[1] = 0x00; rec[2] = 0x02; rec[3] = 0x00; // CHS of LBA 1
        rec[4] = GptProtectiveType;
        rec[5] = 0xFF; rec[6] = 0xFF; rec[7] = 0xFF; // CHS beyond addressable
        BinaryPrimitives.WriteUInt32LittleEndian(rec[8..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(rec[12..], (uint)Math.Min(diskSectors - 1, uint.MaxValue));
        sector0[510] = 0x55;
        sector0[511] = 0xAA;
    }
}
