using System.Security.Cryptography;
using Eve.Appliance.Agent.BaseOs;
using Eve.Appliance.Platform.Gpt;
using Eve.Appliance.Tests.Platform.Gpt;
using S = Eve.Appliance.Agent.BaseOs.EvePartitionState;
using E = Eve.Appliance.Agent.BaseOs.BaseOsEvent;

namespace Eve.Appliance.Tests.Agent.BaseOs;

/// <summary>Whole A/B cycles on a disk image sgdisk partitioned: the pure machine decides, the GPT
/// writer persists, the selector "boots", and sgdisk confirms the attributes at the end.</summary>
[TestFixture]
public sealed class BaseOsCycleTests
{
    private TempDir _dir = null!;
    private string _template = null!;
    private readonly byte[] _imageA = RandomBytes(1, 300_000);
    private readonly byte[] _imageB = RandomBytes(2, 500_000);

    [OneTimeSetUp]
    public async Task CreateLayoutOnce()
    {
        _dir = new TempDir("baseos-cycle");
        _template = _dir.File("template.img");
        await Sgdisk.CreateEveLayoutAsync(_template);
        using var dev = FileBlockDevice.Open(_template, writable: true);
        // The factory image in IMGA (active).
        var imga = (await GptReader.ReadAsync(dev)).Table.Find("IMGA")!.Value;
        await dev.WriteAsync((long)imga.FirstLba * 512, _imageA);
    }

    [OneTimeTearDown]
    public void RemoveFiles() => _dir.Dispose();

    [Test]
    public async Task Update_Boot_Commit()
    {
        var (path, dev) = Disk();
        using (dev)
        {
            var booted = await UpdateAndBootAsync(dev, "IMGA", _imageB);
            Assert.That(booted, Is.EqualTo("IMGB"));
            await StepAsync(dev, booted, E.Started, "start-test");
            await StepAsync(dev, booted, E.TestPassed, "current:=active other:=unused");
            var again = await BootAsync(dev);
            Assert.That(again.Name, Is.EqualTo("IMGB"));
            Assert.That(again.ConsumedTry, Is.False, "a committed image boots without spending tries");
        }
        Assert.That((await Sgdisk.InfoAsync(path, 3)).Attributes, Is.EqualTo(0x0102UL << 48));
        Assert.That((await Sgdisk.InfoAsync(path, 2)).Attributes, Is.EqualTo(0UL));
        Assert.That(await Sgdisk.VerifyAsync(path), Does.Contain("No problems found"));
    }

    [Test]
    public async Task Update_Boot_TestFails_FallsBack_ThenRetrySucceeds()
    {
        var (_, dev) = Disk();
        using (dev)
        {
            var booted = await UpdateAndBootAsync(dev, "IMGA", _imageB);
            await StepAsync(dev, booted, E.Started, "start-test");
            await StepAsync(dev, booted, E.TestFailed, "reboot");
            var fallback = await BootAsync(dev);
            Assert.That(fallback.Name, Is.EqualTo("IMGA"));
            Assert.That(await BaseOsPartitionTable.ReadAsync(dev, "IMGA"), Is.EqualTo(new BaseOsSlots(S.Active, S.InProgress)));
            await StepAsync(dev, "IMGA", E.Started, "report-failed");
            // A failed version is not retried on its own: a new image is refused only by the caller's
            // version list, but the machine re-stages the same partition only on RetryUpdate.
            await StepAsync(dev, "IMGA", E.RetryUpdate, "other:=updating reboot");
            Assert.That((await BootAsync(dev)).Name, Is.EqualTo("IMGB"));
            await StepAsync(dev, "IMGB", E.TestPassed, "current:=active other:=unused");
            Assert.That((await BootAsync(dev)).Name, Is.EqualTo("IMGB"));
        }
    }

    [Test]
    public async Task Update_PowerCutBeforeCommit_BootsTheOldImage_AndDiscardFreesThePartition()
    {
        var (_, dev) = Disk();
        using (dev)
        {
            Assert.That(await UpdateAndBootAsync(dev, "IMGA", _imageB), Is.EqualTo("IMGB"));
            // No TestPassed: the power goes in the test window.
            Assert.That((await BootAsync(dev)).Name, Is.EqualTo("IMGA"));
            await StepAsync(dev, "IMGA", E.DiscardOther, "other:=unused");
            Assert.That(await BaseOsPartitionTable.ReadAsync(dev, "IMGA"), Is.EqualTo(new BaseOsSlots(S.Active, S.Unused)));
        }
    }

    [Test]
    public async Task ForceFallback_AfterCommit_BootsThePreviousImageOnTrial()
    {
        var (_, dev) = Disk();
        using (dev)
        {
            var booted = await UpdateAndBootAsync(dev, "IMGA", _imageB);
            await StepAsync(dev, booted, E.TestPassed, "current:=active other:=unused");
            await StepAsync(dev, "IMGB", E.ForceFallback, "other:=updating reboot");
            var back = await BootAsync(dev);
            Assert.That(back.Name, Is.EqualTo("IMGA"));
            Assert.That(back.After.Eve, Is.EqualTo(S.InProgress));
            await StepAsync(dev, "IMGA", E.TestPassed, "current:=active other:=unused");
            Assert.That(await BaseOsPartitionTable.ReadAsync(dev, "IMGA"), Is.EqualTo(new BaseOsSlots(S.Active, S.Unused)));
        }
    }

    [Test]
    public async Task Update_WhileTheOtherIsStaged_IsRefused_AndTheDiskIsUntouched()
    {
        var (path, dev) = Disk();
        using (dev)
        {
            await new PartitionWriter(TimeProvider.System).WriteAsync(dev, "IMGB", new MemoryStream(_imageB));
            await StepAsync(dev, "IMGA", E.ImageWritten, "other:=updating reboot");
            var before = await File.ReadAllBytesAsync(path);
            var t = BaseOsTransitions.Next(await BaseOsPartitionTable.ReadAsync(dev, "IMGA"), E.ImageWritten);
            Assert.That(t.Refusal, Does.Contain("already staged"));
            var e = Assert.ThrowsAsync<InvalidOperationException>(() =>
                new PartitionWriter(TimeProvider.System).WriteAsync(dev, "IMGB", new MemoryStream(_imageA)));
            Assert.That(e!.Message, Does.Contain("refusing to write").And.Contain("updating"));
            Assert.That((await File.ReadAllBytesAsync(path)).AsSpan().SequenceEqual(before), Is.True);
        }
    }

    private (string, FileBlockDevice) Disk()
    {
        var path = _dir.File($"{Guid.NewGuid():N}.img");
        File.Copy(_template, path);
        return (path, FileBlockDevice.Open(path, writable: true));
    }

    private async Task<string> UpdateAndBootAsync(IBlockDevice dev, string current, byte[] image)
    {
        await StepAsync(dev, current, E.Started, "");
        var result = await new PartitionWriter(TimeProvider.System).WriteAsync(dev, BaseOsPartitionTable.OtherOf(current), new MemoryStream(image));
        Assert.That(result.Sha256, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(image))));
        await StepAsync(dev, current, E.ImageWritten, "other:=updating reboot");
        return (await BootAsync(dev)).Name;
    }

    private static async Task StepAsync(IBlockDevice dev, string current, E ev, string expectedActions)
    {
        var t = BaseOsTransitions.Next(await BaseOsPartitionTable.ReadAsync(dev, current), ev);
        Assert.That(t.Refusal, Is.Null, $"{ev} on {current}");
        Assert.That(string.Join(' ', t.Actions), Is.EqualTo(expectedActions), $"{ev} on {current}");
        await BaseOsPartitionTable.ApplyAsync(dev, current, t.Actions);
        Assert.That(await BaseOsPartitionTable.ReadAsync(dev, current), Is.EqualTo(t.State), "the GPT holds the machine's new state");
    }

    /// <summary>GRUB's boot, then a check that what it picked holds the right image.</summary>
    private async Task<BootChoice> BootAsync(IBlockDevice dev)
    {
        var choice = await BootSelector.BootAsync(dev);
        var image = choice.Name == "IMGA" ? _imageA : _imageB;
        var content = new byte[image.Length];
        await dev.ReadAsync((long)choice.Partition.FirstLba * 512, content);
        Assert.That(content.AsSpan().SequenceEqual(image), Is.True, $"{choice.Name} booted but does not hold its image");
        return choice;
    }

    private static byte[] RandomBytes(int seed, int n)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }
}
