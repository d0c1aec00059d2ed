using Eve.Appliance.Agent.BaseOs;
using Eve.Appliance.Platform.Gpt;

namespace Eve.Appliance.Tests.Platform.Gpt;

/// <summary>sgdisk and our GPT code must agree both ways, bit for bit, on EVE's layout.</summary>
[TestFixture]
public sealed class GptSgdiskRoundTripTests
{
    private TempDir _dir = null!;
    private string _template = null!;

    [OneTimeSetUp]
    public async Task CreateLayoutOnce()
    {
        _dir = new TempDir("gpt-sgdisk");
        _template = _dir.File("template.img");
        await Sgdisk.CreateEveLayoutAsync(_template);
    }

    [OneTimeTearDown]
    public void RemoveFiles() => _dir.Dispose();

    private string CopyOfTemplate()
    {
        var p = _dir.File($"{Guid.NewGuid():N}.img");
        File.Copy(_template, p);
        return p;
    }

    [Test]
    public async Task Read_GivesExactlyWhatSgdiskWrote()
    {
        var path = CopyOfTemplate();
        GptReadResult read;
        using (var dev = FileBlockDevice.Open(path, writable: false)) read = await GptReader.ReadAsync(dev);

        Assert.That(read.NeedsRepair, Is.False, $"{read.PrimaryProblem} / {read.BackupProblem}");
        Assert.That(read.TableProblems, Is.Empty);
        Assert.That(read.Table.Primary.DiskGuid, Is.EqualTo(await Sgdisk.DiskGuidAsync(path)));
        Assert.That(read.Table.Partitions.Select(p => p.Number), Is.EqualTo(new[] { 1, 2, 3, 4, 9 }));
        foreach (var p in read.Table.Partitions)
        {
            var s = await Sgdisk.InfoAsync(path, p.Number);
            Assert.That(new Sgdisk.Info(p.TypeGuid, p.UniqueGuid, p.FirstLba, p.LastLba, p.Attributes, p.Name), Is.EqualTo(s),
                $"partition {p.Number}");
        }
        Assert.That(new PartitionState(read.Table.Find("IMGA")!.Value.Attributes).Eve, Is.EqualTo(EvePartitionState.Active));
        Assert.That(BootSelector.CheckLayout(read.Table), Is.Empty);
    }

    [TestCase(0x0102_0000_0000_0000UL, 0x0013_0000_0000_0000UL)]
    [TestCase(0x0003_0000_0000_0004UL, 0x0102_0000_0000_0001UL)]
    [TestCase(0x0000_0000_0000_0000UL, 0xFFFF_0000_0000_0005UL)]
    [TestCase(0x8000_0000_0000_0000UL, 0x0001_0000_8000_0000UL)]
    public async Task AttributesWeWrite_SgdiskReadsIdentically_AndFindsNoProblems(ulong imga, ulong imgb)
    {
        var path = CopyOfTemplate();
        using (var dev = FileBlockDevice.Open(path, writable: true))
        {
            var table = (await GptReader.ReadAsync(dev)).Table;
            await GptWriter.WriteAsync(dev, table.WithAttributes(2, imga).WithAttributes(3, imgb));
        }

        Assert.That((await Sgdisk.InfoAsync(path, 2)).Attributes, Is.EqualTo(imga));
        Assert.That((await Sgdisk.InfoAsync(path, 3)).Attributes, Is.EqualTo(imgb));
        Assert.That(await Sgdisk.ShownBitsAsync(path, 2), Is.EqualTo(SetBits(imga)));
        Assert.That(await Sgdisk.ShownBitsAsync(path, 3), Is.EqualTo(SetBits(imgb)));
        Assert.That(await Sgdisk.VerifyAsync(path), Does.Contain("No problems found"));
        // Nothing but the attribute words and the CRCs changed: every other entry byte is sgdisk's.
        Assert.That(await Sgdisk.InfoAsync(path, 4), Is.EqualTo(await Sgdisk.InfoAsync(_template, 4)));
        var before = await File.ReadAllBytesAsync(_template);
        var after = await File.ReadAllBytesAsync(path);
        Assert.That(after.AsSpan(0, 512).SequenceEqual(before.AsSpan(0, 512)), Is.True, "sector 0 (MBR) must never be rewritten");
    }

    [Test]
    public async Task TableWeCreate_SgdiskVerifiesClean_AndListsTheSamePartitions()
    {
        var path = _dir.File("ours.img");
        using (var f = File.Create(path)) f.SetLength(Sgdisk.DiskBytes);
        var rootfs = Guid.Parse(Sgdisk.RootfsType);
        var parts = new[]
        {
            new GptPartitionEntry(1, Guid.Parse("c12a7328-f81f-11d2-ba4b-00a0c93ec93b"), Guid.NewGuid(), 2048, 4095, 0, "EFI"),
            new GptPartitionEntry(2, rootfs, Guid.NewGuid(), 4096, 8191, 0x0102_0000_0000_0000, "IMGA"),
            new GptPartitionEntry(3, rootfs, Guid.NewGuid(), 8192, 12287, 0, "IMGB"),
            new GptPartitionEntry(4, Guid.Parse(Sgdisk.ConfigType), Guid.NewGuid(), 12288, 14335, 0, "CONFIG"),
            new GptPartitionEntry(9, Guid.Parse(Sgdisk.PersistType), Guid.NewGuid(), 14336, 24542, 0, "PERSIST"),
        };
        var diskGuid = Guid.NewGuid();
        using (var dev = FileBlockDevice.Open(path, writable: true))
            await GptWriter.CreateAsync(dev, GptTable.Create((ulong)(Sgdisk.DiskBytes / 512), diskGuid, parts));

        Assert.That(await Sgdisk.VerifyAsync(path), Does.Contain("No problems found"));
        Assert.That(await Sgdisk.DiskGuidAsync(path), Is.EqualTo(diskGuid));
        foreach (var p in parts)
            Assert.That(await Sgdisk.InfoAsync(path, p.Number),
                Is.EqualTo(new Sgdisk.Info(p.TypeGuid, p.UniqueGuid, p.FirstLba, p.LastLba, p.Attributes, p.Name)));
    }

    private static List<int> SetBits(ulong v) => Enumerable.Range(0, 64).Where(b => ((v >> b) & 1) != 0).ToList();
}
