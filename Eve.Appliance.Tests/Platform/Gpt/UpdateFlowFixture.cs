using System.Security.Cryptography;
using Eve.Appliance.Agent.BaseOs;
using Eve.Appliance.Platform.Gpt;

namespace Eve.Appliance.Tests.Platform.Gpt;

/// <summary>The whole on-disk update flow our code performs, for kill-point tests: write image B into
/// IMGB (sha256 inline, fsync, read-back), flip IMGB to updating, GRUB's boot consuming the try,
/// and the commit after the test window. A disk at any point of it must boot a partition whose
/// content verifies.</summary>
internal sealed class UpdateFlowFixture
{
    public UpdateFlowFixture(int seed)
    {
        var rng = new Random(seed);
        Base = TestDisks.EveLayout();
        ImageA = new byte[256 * 1024];
        ImageB = new byte[384 * 1024];
        rng.NextBytes(ImageA);
        rng.NextBytes(ImageB);
        var imga = TestDisks.Read(Base).Find("IMGA")!.Value;
        var imgb = TestDisks.Read(Base).Find("IMGB")!.Value;
        ImageA.CopyTo(Base.Bytes, (int)imga.FirstLba * 512);
        rng.NextBytes(Base.Bytes.AsSpan((int)imgb.FirstLba * 512, 64 * 1024)); // an older, abandoned image
        ImgaOffset = (long)imga.FirstLba * 512;
        ImgbOffset = (long)imgb.FirstLba * 512;
    }

    public MemoryBlockDevice Base { get; }
    public byte[] ImageA { get; }
    public byte[] ImageB { get; }
    public long ImgaOffset { get; }
    public long ImgbOffset { get; }

    /// <summary>Runs the flow on <paramref name="dev"/> from the base state. Stops with IOException
    /// when the device "loses power".</summary>
    public async Task RunAsync(IBlockDevice dev)
    {
        await new PartitionWriter(TimeProvider.System).WriteAsync(dev, "IMGB", new MemoryStream(ImageB));
        var staged = BaseOsTransitions.Next(new BaseOsSlots(EvePartitionState.Active, EvePartitionState.Unused), BaseOsEvent.ImageWritten);
        await BaseOsPartitionTable.ApplyAsync(dev, "IMGA", staged.Actions);
        var boot = await BootSelector.BootAsync(dev);
        var started = await BaseOsPartitionTable.ReadAsync(dev, boot.Name);
        var commit = BaseOsTransitions.Next(started, BaseOsEvent.TestPassed);
        await BaseOsPartitionTable.ApplyAsync(dev, boot.Name, commit.Actions);
    }

    /// <summary>"Boots" the disk as GRUB would pick (without writing) and checks the picked
    /// partition holds the image that belongs there. Returns the partition name.</summary>
    public async Task<string> BootAndVerifyAsync(IBlockDevice dev, string where)
    {
        var read = await GptReader.ReadAsync(dev);
        var choice = BootSelector.Select(read.Table) ?? throw new AssertionException($"{where}: nothing bootable");
        var (offset, image) = choice.Name == "IMGA" ? (ImgaOffset, ImageA) : (ImgbOffset, ImageB);
        var content = new byte[image.Length];
        await dev.ReadAsync(offset, content);
        if (!SHA256.HashData(content).AsSpan().SequenceEqual(SHA256.HashData(image)))
            throw new AssertionException($"{where}: GRUB would boot {choice.Name} ({choice.Before}) but its content does not verify");
        return choice.Name;
    }

    /// <summary>Puts back every byte the flow can write (both GPT areas and IMGB).</summary>
    public void Restore(MemoryBlockDevice dev)
    {
        Base.Bytes.AsSpan(0, 34 * 512).CopyTo(dev.Bytes);
        int tail = 33 * 512;
        Base.Bytes.AsSpan(Base.Bytes.Length - tail).CopyTo(dev.Bytes.AsSpan(dev.Bytes.Length - tail));
        Base.Bytes.AsSpan((int)ImgbOffset, 2 << 20).CopyTo(dev.Bytes.AsSpan((int)ImgbOffset));
    }
}
