namespace Eve.Appliance.Platform.Gpt;

/// <summary>Writes a GPT so that a power cut or a kill at any point leaves a disk that boots with
/// either the old or the new table, never neither.
///
/// Why this order:
/// <list type="number">
/// <item>A copy (header + entry array) is valid only when the header CRC matches the header and
///   the header's entry-array CRC matches the array. So while one copy is being rewritten, in any
///   order and with any sector torn half-old/half-new, that copy is either entirely old, entirely
///   new, or invalid. A mix of old header and new entries (or the reverse) fails a CRC.</item>
/// <item>Therefore only one copy may be in flight at a time, with an fsync between the copies:
///   without the barrier the disk may reorder writes and leave both copies torn.</item>
/// <item>Write first the copy readers do not trust right now. Readers (GRUB's gptprio, the kernel,
///   sgdisk, <see cref="GptReader"/>) trust a valid primary and fall back to the backup only when
///   the primary is invalid. With a valid primary we write the backup first (as GRUB's patched
///   gpt.c does): during it the primary is untouched, so the old table stays in force. Only then
///   the primary: if it tears, the backup, already complete and new, takes over. If the primary
///   is the damaged one, it goes first, for the same reason: never write the only valid copy.</item>
/// <item>Within a copy the entry array goes before the header, so the commit point of the whole
///   update is a single sector, the primary header: before it lands readers see the old table,
///   after it the new one.</item>
/// <item>Sectors already holding the target bytes are skipped: fewer writes, fewer tear points.</item>
/// </list>
/// Sector 0 (protective/hybrid MBR with GRUB stage 1) is never rewritten here.</summary>
internal static class GptWriter
{
    /// <summary>Replaces the on-disk table with <paramref name="target"/> (typically a
    /// <see cref="GptTable.WithAttributes"/> of the table just read), repairing a damaged or stale
    /// copy on the way.</summary>
    public static async Task<GptWritePlan> WriteAsync(IBlockDevice dev, GptTable target, CancellationToken ct = default)
    {
        var current = await GptReader.ReadAsync(dev, ct).ConfigureAwait(false);
        var plan = await PlanAsync(dev, current, target, ct).ConfigureAwait(false);
        await ApplyAsync(dev, plan, ct).ConfigureAwait(false);
        return plan;
    }

    /// <summary>Rewrites a damaged or stale copy from the trusted one. Returns false when both
    /// copies were already fine.</summary>
    public static async Task<bool> RepairAsync(IBlockDevice dev, CancellationToken ct = default)
    {
        var current = await GptReader.ReadAsync(dev, ct).ConfigureAwait(false);
        if (!current.NeedsRepair) return false;
        await ApplyAsync(dev, await PlanAsync(dev, current, current.Table, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>Partitions a blank disk: protective MBR, both copies. Not crash-safe by design
    /// (there is no old table to keep); used to build images.</summary>
    public static async Task CreateAsync(IBlockDevice dev, GptTable table, CancellationToken ct = default)
    {
        if (table.DiskSectors != (ulong)(dev.Length / dev.SectorSize))
            throw new ArgumentException($"table is for {table.DiskSectors} sectors but disk {dev.Name} has {dev.Length / dev.SectorSize}");
        var mbr = new byte[dev.SectorSize];
        ProtectiveMbr.WriteProtective(mbr, table.DiskSectors);
        var entries = table.EntrySectors();
        await dev.WriteAsync(0, mbr, ct).ConfigureAwait(false);
        foreach (var primary in new[] { false, true })
        {
            var h = primary ? table.Primary : table.Backup;
            await dev.WriteAsync((long)h.EntriesLba * dev.SectorSize, entries, ct).ConfigureAwait(false);
            await dev.WriteAsync((long)h.MyLba * dev.SectorSize, table.HeaderSector(primary), ct).ConfigureAwait(false);
        }
        await dev.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The crash-safe sequence (see the class comment) that turns the disk described by
    /// <paramref name="current"/> into <paramref name="target"/>.</summary>
    public static async Task<GptWritePlan> PlanAsync(IBlockDevice dev, GptReadResult current, GptTable target,
        CancellationToken ct = default)
    {
        var problems = target.CheckPartitions();
        if (problems.Count > 0)
            throw new GptException($"refusing to write an unsound GPT to {dev.Name}: {string.Join("; ", problems)}");
        if (target.SectorSize != dev.SectorSize || target.DiskSectors != current.Table.DiskSectors)
            throw new ArgumentException($"target table geometry does not match disk {dev.Name}");

        var steps = new List<GptWriteStep>();
        bool primaryFirst = !current.PrimaryValid;
        foreach (var primary in primaryFirst ? new[] { true, false } : [false, true])
        {
            int before = steps.Count;
            var h = primary ? target.Primary : target.Backup;
            await AddChangedSectorsAsync(dev, h.EntriesLba, target.EntrySectors(), steps, ct).ConfigureAwait(false);
            await AddChangedSectorsAsync(dev, h.MyLba, target.HeaderSector(primary), steps, ct).ConfigureAwait(false);
            if (steps.Count > before) steps.Add(GptWriteStep.Flush);
        }
        return new GptWritePlan(steps);
    }

    public static async Task ApplyAsync(IBlockDevice dev, GptWritePlan plan, CancellationToken ct = default)
    {
        foreach (var step in plan.Steps)
        {
            if (step.IsFlush) await dev.FlushAsync(ct).ConfigureAwait(false);
            else await dev.WriteAsync((long)step.Lba * dev.SectorSize, step.Data, ct).ConfigureAwait(false);
        }
    }

    private static async Task AddChangedSectorsAsync(IBlockDevice dev, ulong firstLba, byte[] wanted,
        List<GptWriteStep> steps, CancellationToken ct)
    {
        int ss = dev.SectorSize;
        var onDisk = new byte[wanted.Length];
        await dev.ReadAsync((long)firstLba * ss, onDisk, ct).ConfigureAwait(false);
        for (int off = 0; off < wanted.Length; off += ss)
        {
            var want = wanted.AsSpan(off, ss);
            if (!want.SequenceEqual(onDisk.AsSpan(off, ss)))
                steps.Add(new GptWriteStep(firstLba + (ulong)(off / ss), want.ToArray()));
        }
    }
}
