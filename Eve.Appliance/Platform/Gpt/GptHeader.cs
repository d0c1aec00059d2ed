using Eve.Appliance.Platform.Hashing;
using System.Buffers.Binary;

namespace Eve.Appliance.Platform.Gpt;

/// <summary>A GPT header (UEFI 2.10 §5.3.2), one per copy: the primary at LBA 1, the backup at the
/// last LBA. Parsed from and written to a sector span with <see cref="BinaryPrimitives"/>.</summary>
internal readonly record struct GptHeader(
    uint Revision,
    uint HeaderSize,
    uint HeaderCrc32,
    ulong MyLba,
    ulong AlternateLba,
    ulong FirstUsableLba,
    ulong LastUsableLba,
    Guid DiskGuid,
    ulong EntriesLba,
    uint EntryCount,
    uint EntrySize,
    uint EntriesCrc32)
{
    public const ulong Signature = 0x5452415020494645; // "EFI PART" read little-endian
    public const uint Revision10 = 0x00010000;
    public const uint StandardSize = 92;
    private const int CrcOffset = 16;

    /// <summary>Sectors the entry array occupies.</summary>
    public ulong EntrySectors(int sectorSize) => ((ulong)EntryCount * EntrySize + (ulong)sectorSize - 1) / (ulong)sectorSize;

    public int EntriesBytes => checked((int)(EntryCount * EntrySize));

    /// <summary>Parses and checks everything a header alone can prove: signature, revision, size,
    /// CRC, that it sits where it says (<paramref name="expectedLba"/>), that its areas fit the disk
    /// and do not overlap. Returns null and a reason when the header cannot be trusted.</summary>
    public static GptHeader? Parse(ReadOnlySpan<byte> sector, ulong expectedLba, ulong diskSectors, out string? problem)
    {
        problem = null;
        if (BinaryPrimitives.ReadUInt64LittleEndian(sector) != Signature)
        {
            problem = "no \"EFI PART\" signature";
            return null;
        }
        var h = new GptHeader(
            Revision: BinaryPrimitives.ReadUInt32LittleEndian(sector[8..]),
            HeaderSize: BinaryPrimitives.ReadUInt32LittleEndian(sector[12..]),
            HeaderCrc32: BinaryPrimitives.ReadUInt32LittleEndian(sector[16..]),
            MyLba: BinaryPrimitives.ReadUInt64LittleEndian(sector[24..]),
            AlternateLba: BinaryPrimitives.ReadUInt64LittleEndian(sector[32..]),
            FirstUsableLba: BinaryPrimitives.ReadUInt64LittleEndian(sector[40..]),
            LastUsableLba: BinaryPrimitives.ReadUInt64LittleEndian(sector[48..]),
            DiskGuid: new Guid(sector.Slice(56, 16)),
            EntriesLba: BinaryPrimitives.ReadUInt64LittleEndian(sector[72..]),
            EntryCount: BinaryPrimitives.ReadUInt32LittleEndian(sector[80..]),
            EntrySize: BinaryPrimitives.ReadUInt32LittleEndian(sector[84..]),
            EntriesCrc32: BinaryPrimitives.ReadUInt32LittleEndian(sector[88..]));

        if (h.Revision != Revision10) problem = $"revision 0x{h.Revision:X8}, expected 0x00010000";
        else if (h.HeaderSize < StandardSize || h.HeaderSize > sector.Length)
            problem = $"header size {h.HeaderSize}, must be {StandardSize}..{sector.Length}";
        else if (ComputeCrc(sector[..(int)h.HeaderSize]) != h.HeaderCrc32)
            problem = $"header CRC32 mismatch (stored 0x{h.HeaderCrc32:X8}, computed 0x{ComputeCrc(sector[..(int)h.HeaderSize]):X8})";
        else if (BinaryPrimitives.ReadUInt32LittleEndian(sector[20..]) != 0) problem = "reserved field at byte 20 is not zero";
        else if (h.MyLba != expectedLba) problem = $"my_lba is {h.MyLba} but the header was read from LBA {expectedLba}";
        else problem = h.CheckGeometry(sector.Length, diskSectors);
        return problem == null ? h : null;
    }

    /// <summary>Writes the 92-byte header (rest of the sector zero) with a fresh header CRC.</summary>
    public void WriteTo(Span<byte> sector)
    {
        if (HeaderSize != StandardSize)
            throw new InvalidOperationException($"refusing to write a GPT header of size {HeaderSize}; only {StandardSize} is supported (as GRUB does)");
        sector.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(sector, Signature);
        BinaryPrimitives.WriteUInt32LittleEndian(sector[8..], Revision);
        BinaryPrimitives.WriteUInt32LittleEndian(sector[12..], HeaderSize);
        BinaryPrimitives.WriteUInt64LittleEndian(sector[24..], MyLba);
        BinaryPrimitives.WriteUInt64LittleEndian(sector[32..], AlternateLba);
        BinaryPrimitives.WriteUInt64LittleEndian(sector[40..], FirstUsableLba);
        BinaryPrimitives.WriteUInt64LittleEndian(sector[48..], LastUsableLba);
        DiskGuid.TryWriteBytes(sector.Slice(56, 16));
        BinaryPrimitives.WriteUInt64LittleEndian(sector[72..], EntriesLba);
        BinaryPrimitives.WriteUInt32LittleEndian(sector[80..], EntryCount);
        BinaryPrimitives.WriteUInt32LittleEndian(sector[84..], EntrySize);
        BinaryPrimitives.WriteUInt32LittleEndian(sector[88..], EntriesCrc32);
        BinaryPrimitives.WriteUInt32LittleEndian(sector[CrcOffset..], ComputeCrc(sector[..(int)HeaderSize]));
    }

    /// <summary>The same table seen from the other copy: location fields swapped, entries at
    /// <paramref name="entriesLba"/>. CRC fields are recomputed when written.</summary>
    public GptHeader AsCopyAt(ulong myLba, ulong alternateLba, ulong entriesLba) =>
        this with { MyLba = myLba, AlternateLba = alternateLba, EntriesLba = entriesLba, HeaderSize = StandardSize };

    /// <summary>True when two headers describe the same table (ignoring where each copy lives).</summary>
    public bool SameTableAs(GptHeader o) =>
        FirstUsableLba == o.FirstUsableLba && LastUsableLba == o.LastUsableLba && DiskGuid == o.DiskGuid &&
        EntryCount == o.EntryCount && EntrySize == o.EntrySize && EntriesCrc32 == o.EntriesCrc32;

    private string? CheckGeometry(int sectorSize, ulong diskSectors)
    {
        if (EntrySize < 128 || (EntrySize & (EntrySize - 1)) != 0)
            return $"entry size {EntrySize}, must be 128 times a power of two";
        if (EntryCount == 0 || (ulong)EntryCount * EntrySize > 4u << 20)
            return $"{EntryCount} entries of {EntrySize} bytes: not 1..4 MiB of entries";
        if (FirstUsableLba > LastUsableLba || LastUsableLba >= diskSectors)
            return $"usable area {FirstUsableLba}..{LastUsableLba} is empty or beyond the disk's {diskSectors} sectors";
        if (AlternateLba >= diskSectors || AlternateLba == MyLba || AlternateLba == 0)
            return $"alternate_lba {AlternateLba} is not a sector of this {diskSectors}-sector disk other than 0 and this header";
        ulong entriesEnd = EntriesLba + EntrySectors(sectorSize) - 1;
        bool isPrimary = MyLba < AlternateLba;
        bool entriesOk = isPrimary
            ? EntriesLba > MyLba && entriesEnd < FirstUsableLba
            : EntriesLba > LastUsableLba && entriesEnd < MyLba;
        if (!entriesOk)
            return $"entry array at LBA {EntriesLba}..{entriesEnd} overlaps the header or the usable area {FirstUsableLba}..{LastUsableLba}";
        if (isPrimary ? AlternateLba <= LastUsableLba : MyLba <= LastUsableLba)
            return $"backup header LBA {(isPrimary ? AlternateLba : MyLba)} lies inside the usable area";
        return null;
    }

    private static uint ComputeCrc(ReadOnlySpan<byte> header)
    {
        // The CRC covers the header with its own CRC field taken as zero.
        uint crc = Crc32.Append(0, header[..CrcOffset]);
        crc = Crc32.Append(crc, [0, 0, 0, 0]);
        return Crc32.Append(crc, header[(CrcOffset + 4)..]);
    }
}
