using Eve.Appliance.Platform.Hashing;
using System.Buffers.Binary;
using Eve.Appliance.Platform.Gpt;

namespace Eve.Appliance.Tests.Platform.Gpt;

[TestFixture]
public sealed class GptValidationRepairTests
{
    private const long BackupLba = TestDisks.DiskSectors - 1;
    private const long BackupEntriesLba = BackupLba - 32;

    [Test]
    public void Crc32_MatchesTheIeeeCheckValue_AtEveryLengthAndSplit()
    {
        Assert.That(Crc32.Compute("123456789"u8), Is.EqualTo(0xCBF43926u));
        // Bitwise reference over lengths that exercise the 8-byte path and its tail.
        var data = new byte[300];
        new Random(5).NextBytes(data);
        for (int len = 0; len <= data.Length; len += 7)
        {
            Assert.That(Crc32.Compute(data.AsSpan(0, len)), Is.EqualTo(Bitwise(data.AsSpan(0, len))), $"length {len}");
            Assert.That(Crc32.Append(Crc32.Compute(data.AsSpan(0, len / 3)), data.AsSpan(len / 3, len - len / 3)),
                Is.EqualTo(Bitwise(data.AsSpan(0, len))), $"split at {len / 3}");
        }

        static uint Bitwise(ReadOnlySpan<byte> d)
        {
            uint c = 0xFFFFFFFF;
            foreach (var b in d)
            {
                c ^= b;
                for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            return ~c;
        }
    }

    public static IEnumerable<TestCaseData> PrimaryDamage()
    {
        yield return Case("signature", d => Sector(d, 1)[0] ^= 1, "signature");
        yield return Case("header CRC", d => Sector(d, 1)[60] ^= 0x10, "header CRC32");
        yield return Case("entry array", d => Sector(d, 2)[128 + 60] ^= 0x20, "entry array CRC32");
        yield return Case("revision", d => Fixed(d, 1, h => BinaryPrimitives.WriteUInt32LittleEndian(h[8..], 0x00020000)), "revision");
        yield return Case("header size", d => Fixed(d, 1, h => BinaryPrimitives.WriteUInt32LittleEndian(h[12..], 91)), "header size");
        yield return Case("my_lba", d => Fixed(d, 1, h => BinaryPrimitives.WriteUInt64LittleEndian(h[24..], 7)), "my_lba");
        yield return Case("entry size", d => Fixed(d, 1, h => BinaryPrimitives.WriteUInt32LittleEndian(h[84..], 100)), "entry size");
        yield return Case("usable area", d => Fixed(d, 1, h => BinaryPrimitives.WriteUInt64LittleEndian(h[48..], 1UL << 40)), "usable area");
        yield return Case("zeroed", d => d.AsSpan(512, 33 * 512).Clear(), "signature");

        static TestCaseData Case(string name, Action<byte[]> damage, string expected) =>
            new TestCaseData(damage, expected).SetName($"DamagedPrimary_{name.Replace(' ', '_')}_IsReportedAndRepairedFromBackup");
    }

    [TestCaseSource(nameof(PrimaryDamage))]
    public async Task DamagedPrimary(Action<byte[]> damage, string expected)
    {
        var dev = TestDisks.EveLayout();
        var pristine = (byte[])dev.Bytes.Clone();
        damage(dev.Bytes);

        var read = await GptReader.ReadAsync(dev);
        Assert.That(read.PrimaryProblem, Does.Contain(expected));
        Assert.That(read.BackupValid, Is.True);
        Assert.That(read.Table.Find("IMGB"), Is.Not.Null, "the backup must still give the whole table");

        Assert.That(await GptWriter.RepairAsync(dev), Is.True);
        Assert.That(dev.Bytes.AsSpan().SequenceEqual(pristine), Is.True, "repair must restore the primary bit for bit");
        Assert.That((await GptReader.ReadAsync(dev)).NeedsRepair, Is.False);
    }

    public static IEnumerable<TestCaseData> BackupDamage()
    {
        yield return new TestCaseData((Action<byte[]>)(d => Sector(d, BackupLba)[3] ^= 1), "signature");
        yield return new TestCaseData((Action<byte[]>)(d => Sector(d, BackupEntriesLba)[200] ^= 1), "entry array CRC32");
        yield return new TestCaseData((Action<byte[]>)(d => Fixed(d, BackupLba, h => BinaryPrimitives.WriteUInt64LittleEndian(h[32..], 2))), "instead of 1");
        yield return new TestCaseData((Action<byte[]>)(d => d.AsSpan((int)BackupEntriesLba * 512, 33 * 512).Clear()), "signature");
    }

    [TestCaseSource(nameof(BackupDamage))]
    public async Task DamagedBackup_IsReportedAndRepairedFromPrimary(Action<byte[]> damage, string expected)
    {
        var dev = TestDisks.EveLayout();
        var pristine = (byte[])dev.Bytes.Clone();
        damage(dev.Bytes);

        var read = await GptReader.ReadAsync(dev);
        Assert.That(read.BackupProblem, Does.Contain(expected));
        Assert.That(read.PrimaryValid, Is.True);
        Assert.That(await GptWriter.RepairAsync(dev), Is.True);
        Assert.That(dev.Bytes.AsSpan().SequenceEqual(pristine), Is.True, "repair must restore the backup bit for bit");
    }

    [Test]
    public async Task StaleBackup_IsDetected_PrimaryWins_AndRepairCopiesIt()
    {
        var dev = TestDisks.EveLayout();
        var oldBackup = dev.Bytes.AsSpan((int)BackupEntriesLba * 512, 33 * 512).ToArray();
        var table = TestDisks.Read(dev);
        await GptWriter.WriteAsync(dev, table.WithAttributes(3, 0x0013UL << 48));
        oldBackup.CopyTo(dev.Bytes, (int)BackupEntriesLba * 512);

        var read = await GptReader.ReadAsync(dev);
        Assert.That(read.BackupStale, Is.True);
        Assert.That(read.Table.Get(3).Attributes, Is.EqualTo(0x0013UL << 48));
        await GptWriter.RepairAsync(dev);
        Assert.That((await GptReader.ReadAsync(dev)).NeedsRepair, Is.False);
    }

    [Test]
    public async Task Write_WithDamagedPrimary_WritesPrimaryFirst_NeverTheOnlyValidCopy()
    {
        var dev = TestDisks.EveLayout();
        TestDisks.Sector(dev, 1)[0] ^= 1;
        var current = await GptReader.ReadAsync(dev);
        var plan = await GptWriter.PlanAsync(dev, current, current.Table.WithAttributes(3, 0x0013UL << 48));
        Assert.That(plan.Steps.First(s => !s.IsFlush).Lba, Is.LessThan(34UL), "the damaged primary (LBA 1..33) must be written first");

        var healthy = TestDisks.EveLayout();
        var h = await GptReader.ReadAsync(healthy);
        plan = await GptWriter.PlanAsync(healthy, h, h.Table.WithAttributes(3, 0x0013UL << 48));
        Assert.That(plan.Steps.Select(s => s.IsFlush ? "sync" : s.Lba.ToString()),
            Is.EqualTo(new[] { $"{BackupEntriesLba}", $"{BackupLba}", "sync", "2", "1", "sync" }),
            "an attribute change touches one entry sector and the header of each copy, backup first");
    }

    [Test]
    public void BothCopiesDamaged_SaysWhatIsWrongWithEach()
    {
        var dev = TestDisks.EveLayout();
        TestDisks.Sector(dev, 1)[0] ^= 1;
        TestDisks.Sector(dev, BackupEntriesLba)[5] ^= 1;
        var e = Assert.ThrowsAsync<GptException>(() => GptReader.ReadAsync(dev));
        Assert.That(e!.Message, Does.Contain("no valid GPT").And.Contain("signature").And.Contain("entry array CRC32"));
    }

    [Test]
    public void MbrWithoutProtectiveRecord_IsNotTakenForGpt()
    {
        var dev = TestDisks.EveLayout();
        TestDisks.Sector(dev, 0)[446 + 4] = 0x83;
        var e = Assert.ThrowsAsync<GptException>(() => GptReader.ReadAsync(dev));
        Assert.That(e!.Message, Does.Contain("0xEE"));
    }

    [Test]
    public async Task HybridMbr_AsEveBuildsIt_IsAccepted()
    {
        var dev = TestDisks.EveLayout();
        var rec = TestDisks.Sector(dev, 0).Slice(446, 64);
        rec[..16].CopyTo(rec[16..]);              // protective record moves to slot 2
        rec[..16].Clear();
        rec[0] = 0x80; rec[4] = 0x0C;              // slot 1: bootable FAT32 (EFI), as make-raw does
        Assert.That((await GptReader.ReadAsync(dev)).NeedsRepair, Is.False);
    }

    [Test]
    public void UnsoundTarget_IsRefusedBeforeAnyWrite()
    {
        var dev = TestDisks.EveLayout();
        var table = TestDisks.Read(dev);
        var bytes = table.EntriesBytes.ToArray();
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(2 * 128 + 32), 5000); // IMGB starts inside IMGA
        var bad = new GptTable(512, table.DiskSectors, table.Primary, table.Backup, bytes);
        var before = (byte[])dev.Bytes.Clone();
        var e = Assert.ThrowsAsync<GptException>(() => GptWriter.WriteAsync(dev, bad));
        Assert.That(e!.Message, Does.Contain("overlap"));
        Assert.That(dev.Bytes.AsSpan().SequenceEqual(before), Is.True, "nothing may be written");
    }

    private delegate void HeaderEdit(Span<byte> header);

    private static Span<byte> Sector(byte[] disk, long lba) => disk.AsSpan((int)(lba * 512), 512);

    private static void Fixed(byte[] d, long lba, HeaderEdit change)
    {
        var h = Sector(d, lba);
        change(h);
        TestDisks.FixHeaderCrc(h);
    }
}
