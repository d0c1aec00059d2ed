using Eve.Appliance.Platform.Hashing;
namespace Eve.Appliance.Platform.Gpt;

/// <summary>Reads and validates both GPT copies. Like GRUB, the kernel and sgdisk, a valid primary
/// wins; the backup is used only when the primary is damaged. That rule is half of the crash-safety
/// argument in <see cref="GptWriter"/>.</summary>
internal static class GptReader
{
    public static async Task<GptReadResult> ReadAsync(IBlockDevice dev, CancellationToken ct = default)
    {
        int ss = dev.SectorSize;
        ulong diskSectors = (ulong)(dev.Length / ss);
        var sector = new byte[ss];

        await dev.ReadAsync(0, sector, ct).ConfigureAwait(false);
        var mbrProblem = ProtectiveMbr.Check(sector);
        if (mbrProblem != null)
            throw new GptException($"disk {dev.Name}: {mbrProblem}. Partition it first (sgdisk -o, or the image recipe).");

        var (primary, primaryEntries, primaryProblem) = await ReadCopyAsync(dev, 1, diskSectors, sector, ct).ConfigureAwait(false);
        ulong backupLba = primary?.AlternateLba ?? diskSectors - 1;
        var (backup, backupEntries, backupProblem) = await ReadCopyAsync(dev, backupLba, diskSectors, sector, ct).ConfigureAwait(false);
        if (backup is { } b && b.AlternateLba != 1)
        {
            backupProblem = $"backup header at LBA {backupLba} points to LBA {b.AlternateLba} instead of 1 for the primary";
            backup = null;
        }

        if (primary is { } p)
        {
            ulong backupEntriesLba = backup?.EntriesLba ?? backupLba - p.EntrySectors(ss);
            bool stale = backup is { } bb && (!bb.SameTableAs(p) || !backupEntries.AsSpan().SequenceEqual(primaryEntries));
            var table = new GptTable(ss, diskSectors, p, p.AsCopyAt(backupLba, 1, backupEntriesLba), primaryEntries!);
            return new GptReadResult(table, null, backupProblem, stale, table.CheckPartitions());
        }
        if (backup is { } k)
        {
            ulong entriesEnd = 2 + k.EntrySectors(ss);
            if (entriesEnd > k.FirstUsableLba)
                throw new GptException($"disk {dev.Name}: primary GPT is damaged ({primaryProblem}) and the backup's entry array would not fit before LBA {k.FirstUsableLba}; rebuild the table with sgdisk");
            var table = new GptTable(ss, diskSectors, k.AsCopyAt(1, k.MyLba, 2), k, backupEntries!);
            return new GptReadResult(table, primaryProblem, null, false, table.CheckPartitions());
        }
        throw new GptException($"disk {dev.Name}: no valid GPT. Primary (LBA 1): {primaryProblem}. " +
            $"Backup (LBA {backupLba}): {backupProblem}. The disk must be re-partitioned or restored from an image.");
    }

    private static async Task<(GptHeader?, byte[]?, string?)> ReadCopyAsync(IBlockDevice dev, ulong lba, ulong diskSectors,
        byte[] sector, CancellationToken ct)
    {
        int ss = dev.SectorSize;
        if (lba >= diskSectors) return (null, null, $"header LBA {lba} is beyond the disk's {diskSectors} sectors");
        await dev.ReadAsync((long)lba * ss, sector, ct).ConfigureAwait(false);
        var header = GptHeader.Parse(sector, lba, diskSectors, out var problem);
        if (header is not { } h) return (null, null, problem);
        var entries = new byte[h.EntriesBytes];
        await dev.ReadAsync((long)h.EntriesLba * ss, entries, ct).ConfigureAwait(false);
        uint crc = Crc32.Compute(entries);
        if (crc != h.EntriesCrc32)
            return (null, null, $"entry array CRC32 mismatch (header says 0x{h.EntriesCrc32:X8}, array has 0x{crc:X8})");
        return (h, entries, null);
    }
}
