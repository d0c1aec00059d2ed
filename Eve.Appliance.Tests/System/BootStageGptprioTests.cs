using Eve.Appliance.Agent.BaseOs;
using Eve.Appliance.Platform.Gpt;
using Eve.Appliance.Platform.Processes;
using Eve.Appliance.Tests.Platform.Gpt;
using Eve.Appliance.Tests.Platform.Qemu;
using Eve.Appliance.Tests.Support;
using TempDir = Eve.Appliance.Tests.Support.TempDir;

namespace Eve.Appliance.Tests.SystemTests;

/// <summary>The image's boot stage (images/appliance/initramfs/gptprio.sh, busybox sh + sgdisk) makes
/// the same choice as <see cref="BootSelector"/> and leaves the same GPT attributes behind: both run
/// on copies of the same disk, for every pair of EVE states and a few odd ones. Runs on the host
/// with the same busybox and sgdisk the initramfs carries, so it belongs to the fast suite.</summary>
[TestFixture]
public sealed class BootStageGptprioTests
{
    private static readonly ushort[] States = [0x000, 0x003, 0x013, 0x102, 0x117, 0x0f1, 0x1f0];

    private static string Script => Path.Combine(TestGuest.RepoRoot(), "images", "appliance", "initramfs", "gptprio.sh");

    [Test]
    public async Task BootStage_ChoosesAndConsumesLikeBootSelector_ForEveryStatePair()
    {
        using var tmp = new TempDir("gptprio");
        var pairs = (from a in States from b in States select (a, b)).ToList();
        // sgdisk fsyncs every write (~1 s on a busy disk): run the pairs a few at a time.
        await Parallel.ForEachAsync(pairs, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (pair, ct) =>
        {
            var (a, b) = pair;
            var disk = TestDisks.EveLayout(a, b);
            var path = Path.Combine(tmp.Path, $"disk-{a:x3}-{b:x3}.raw");
            await File.WriteAllBytesAsync(path, disk.Bytes, ct);

            var expected = BootSelector.Select(TestDisks.Read(disk));
            var r = await ProcessRunner.Default.RunAsync("busybox", ["sh", Script, path], TimeSpan.FromSeconds(60), check: false, ct: ct);
            var after = TestDisks.Read(MemoryBlockDevice.FromFile(path));
            string what = $"IMGA {a:x3}, IMGB {b:x3}";
            if (expected is not { } e)
            {
                Assert.That(r.ExitCode, Is.EqualTo(1), $"{what}: BootSelector finds nothing bootable, the boot stage must fail too; it said '{r.Stdout.Trim()}'");
                Assert.That(Attrs(after), Is.EqualTo(Attrs(TestDisks.Read(disk))), $"{what}: nothing bootable must leave the GPT alone");
                return;
            }
            Assert.That(r.ExitCode, Is.EqualTo(0), $"{what}: {r.Stderr}");
            var words = r.Stdout.Trim().Split(' ');
            Assert.That(words[0], Is.EqualTo(e.Partition.Name), $"{what}: chosen partition");
            Assert.That(Convert.ToUInt16(words[3], 16), Is.EqualTo((ushort)(e.After.Attributes >> 48)), $"{what}: state after the try");
            var expectedTable = BootSelector.ConsumeTry(TestDisks.Read(disk), e);
            Assert.That(Attrs(after), Is.EqualTo(Attrs(expectedTable)), $"{what}: attributes on disk after the boot stage");
            Assert.That(BootSelector.CheckLayout(after), Is.Empty);
        });
    }

    [Test]
    public async Task BootStage_RepairsDamagedPrimaryGpt_AndStillBootsTheActivePartition()
    {
        using var tmp = new TempDir("gptprio");
        var disk = TestDisks.EveLayout(0x102, 0x013);
        TestDisks.Sector(disk, 1).Fill(0xAB); // primary header destroyed, as by a torn write
        var path = Path.Combine(tmp.Path, "disk.raw");
        await File.WriteAllBytesAsync(path, disk.Bytes);

        var r = await ProcessRunner.Default.RunAsync("busybox", ["sh", Script, path], TimeSpan.FromSeconds(60), check: false);

        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(r.Stdout.Trim(), Does.StartWith("IMGB 3 0013 0003"));
        var read = await GptReader.ReadAsync(MemoryBlockDevice.FromFile(path));
        Assert.That(read.NeedsRepair, Is.False, "sgdisk rewrote both copies while consuming the try");
        Assert.That(new PartitionState(read.Table.Find("IMGB")!.Value.Attributes).ToString(), Is.EqualTo(new PartitionState(0x3UL << 48).ToString()));
    }

    private static string Attrs(GptTable t) => string.Join(",", t.Partitions.Select(p => $"{p.Number}:{p.Attributes:x16}"));
}
