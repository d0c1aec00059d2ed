using Eve.Appliance.Platform.Hashing;
namespace Eve.Appliance.Platform.Gpt;

/// <summary>A partition table as both copies should hold it: the two headers and the raw entry
/// array. The array is kept as bytes, so every byte we did not mean to change (other tools'
/// entries, reserved bytes, names) round-trips bit for bit; changes patch single fields.</summary>
internal sealed class GptTable
{
    private readonly byte[] _entries;
    private IReadOnlyList<GptPartitionEntry>? _partitions;

    /// <param name="entries">The whole entry array (EntryCount × EntrySize bytes); not copied.</param>
    public GptTable(int sectorSize, ulong diskSectors, GptHeader primary, GptHeader backup, byte[] entries)
    {
        if (entries.Length != primary.EntriesBytes)
            throw new ArgumentException($"entry array is {entries.Length} bytes, header says {primary.EntriesBytes}");
        uint crc = Crc32.Compute(entries);
        SectorSize = sectorSize;
        DiskSectors = diskSectors;
        Primary = primary with { EntriesCrc32 = crc, HeaderSize = GptHeader.StandardSize };
        Backup = backup with { EntriesCrc32 = crc, HeaderSize = GptHeader.StandardSize };
        _entries = entries;
    }

    public int SectorSize { get; }
    public ulong DiskSectors { get; }
    public GptHeader Primary { get; }
    public GptHeader Backup { get; }
    public ReadOnlySpan<byte> EntriesBytes => _entries;

    /// <summary>Used entries in table order.</summary>
    public IReadOnlyList<GptPartitionEntry> Partitions => _partitions ??= ParsePartitions();

    public GptPartitionEntry? Find(string name)
    {
        int size = (int)Primary.EntrySize;
        for (int i = 0; i < Primary.EntryCount; i++)
        {
            var raw = _entries.AsSpan(i * size, size);
            if (new Guid(raw[..16]) != Guid.Empty && GptPartitionEntry.NameEquals(raw, name))
                return GptPartitionEntry.Parse(i + 1, raw);
        }
        return null;
    }

    public GptPartitionEntry Get(int number)
    {
        CheckNumber(number);
        int size = (int)Primary.EntrySize;
        return GptPartitionEntry.Parse(number, _entries.AsSpan((number - 1) * size, size));
    }

    /// <summary>A copy of this table with partition <paramref name="number"/>'s 64-bit attribute
    /// word replaced; only those 8 bytes and the CRCs differ.</summary>
    public GptTable WithAttributes(int number, ulong attributes)
    {
        CheckNumber(number);
        var copy = (byte[])_entries.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(
            copy.AsSpan((number - 1) * (int)Primary.EntrySize + GptPartitionEntry.AttributesOffset), attributes);
        return new GptTable(SectorSize, DiskSectors, Primary, Backup, copy);
    }

    /// <summary>True when both tables would put the same bytes on disk.</summary>
    public bool SameContentAs(GptTable other) =>
        Primary == other.Primary && Backup == other.Backup && _entries.AsSpan().SequenceEqual(other._entries);

    /// <summary>The header sector of one copy, CRCs filled in.</summary>
    public byte[] HeaderSector(bool primary)
    {
        var s = new byte[SectorSize];
        (primary ? Primary : Backup).WriteTo(s);
        return s;
    }

    /// <summary>The entry array padded with zeros to whole sectors.</summary>
    public byte[] EntrySectors()
    {
        var s = new byte[(int)Primary.EntrySectors(SectorSize) * SectorSize];
        _entries.CopyTo(s, 0);
        return s;
    }

    /// <summary>Problems with the partitions themselves: outside the usable area, last before
    /// first, or overlapping. Empty when the table is sound.</summary>
    public IReadOnlyList<string> CheckPartitions()
    {
        var problems = new List<string>();
        var used = Partitions.OrderBy(p => p.FirstLba).ToList();
        foreach (var p in used)
        {
            if (p.FirstLba > p.LastLba) problems.Add($"partition {p.Number} ({p.Name}) ends at LBA {p.LastLba} before it starts at {p.FirstLba}");
            if (p.FirstLba < Primary.FirstUsableLba || p.LastLba > Primary.LastUsableLba)
                problems.Add($"partition {p.Number} ({p.Name}) LBA {p.FirstLba}..{p.LastLba} is outside the usable area {Primary.FirstUsableLba}..{Primary.LastUsableLba}");
        }
        for (int i = 1; i < used.Count; i++)
            if (used[i].FirstLba <= used[i - 1].LastLba)
                problems.Add($"partitions {used[i - 1].Number} ({used[i - 1].Name}) and {used[i].Number} ({used[i].Name}) overlap");
        return problems;
    }

    /// <summary>A new table in the layout sgdisk -o uses: 128 entries of 128 bytes, the primary
    /// array at LBA 2, the backup header on the last LBA with its array just before it.</summary>
    public static GptTable Create(ulong diskSectors, Guid diskGuid, IEnumerable<GptPartitionEntry> partitions, int sectorSize = 512)
    {
        const uint count = 128, size = 128;
        ulong entrySectors = count * size / (ulong)sectorSize;
        var entries = new byte[count * size];
        foreach (var p in partitions)
        {
            if (p.Number < 1 || p.Number > count) throw new ArgumentException($"partition number {p.Number} is not 1..{count}");
            p.WriteTo(entries.AsSpan((p.Number - 1) * (int)size, (int)size));
        }
        ulong last = diskSectors - 1;
        var primary = new GptHeader(GptHeader.Revision10, GptHeader.StandardSize, 0, 1, last,
            2 + entrySectors, last - entrySectors - 1, diskGuid, 2, count, size, 0);
        var table = new GptTable(sectorSize, diskSectors, primary, primary.AsCopyAt(last, 1, last - entrySectors), entries);
        var problems = table.CheckPartitions();
        if (problems.Count > 0) throw new ArgumentException("cannot create GPT: " + string.Join("; ", problems));
        return table;
    }

    private void CheckNumber(int number)
    {
        if (number < 1 || number > Primary.EntryCount)
            throw new ArgumentOutOfRangeException(nameof(number), $"partition number {number} is not 1..{Primary.EntryCount}");
    }

    private List<GptPartitionEntry> ParsePartitions()
    {
        var list = new List<GptPartitionEntry>();
        int size = (int)Primary.EntrySize;
        for (int i = 0; i < Primary.EntryCount; i++)
        {
            var raw = _entries.AsSpan(i * size, size);
            if (new Guid(raw[..16]) != Guid.Empty) list.Add(GptPartitionEntry.Parse(i + 1, raw));
        }
        return list;
    }
}
