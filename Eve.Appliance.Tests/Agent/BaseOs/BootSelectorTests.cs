using Eve.Appliance.Agent.BaseOs;
using Eve.Appliance.Platform.Gpt;
using Eve.Appliance.Tests.Platform.Gpt;

namespace Eve.Appliance.Tests.Agent.BaseOs;

[TestFixture]
public sealed class BootSelectorTests
{
    // IMGA is partition 2, IMGB partition 3; codes are the upper 16 attribute bits.
    [TestCase(0x102, 0x000, "IMGA", 0x102, TestName = "Select_ActiveAndUnused_BootsActiveWithoutConsumingATry")]
    [TestCase(0x102, 0x013, "IMGB", 0x003, TestName = "Select_Updating_BeatsActive_AndBecomesInprogress")]
    [TestCase(0x013, 0x102, "IMGA", 0x003, TestName = "Select_UpdatingOnA_BeatsActiveB")]
    [TestCase(0x102, 0x003, "IMGA", 0x102, TestName = "Select_InprogressHasNoTries_SoActiveWins")]
    [TestCase(0x003, 0x102, "IMGB", 0x102, TestName = "Select_InprogressA_FallsBackToActiveB")]
    [TestCase(0x102, 0x102, "IMGA", 0x102, TestName = "Select_TieOfActives_GoesToLowestIndex")]
    [TestCase(0x013, 0x013, "IMGA", 0x003, TestName = "Select_TieOfUpdating_GoesToLowestIndex")]
    [TestCase(0x023, 0x102, "IMGA", 0x013, TestName = "Select_TwoTriesLeft_ConsumesOne")]
    [TestCase(0x10F, 0x013, "IMGA", 0x10F, TestName = "Select_HigherPrioritySuccessful_BeatsUpdating")]
    [TestCase(0x005, 0x102, "IMGB", 0x102, TestName = "Select_TriesExhaustedAndNotSuccessful_IsSkippedWhateverThePriority")]
    [TestCase(0x100, 0x003, null, 0, TestName = "Select_SuccessfulButPriorityZero_IsNotBootable")]
    [TestCase(0x003, 0x003, null, 0, TestName = "Select_BothInprogress_NothingBootable")]
    [TestCase(0x000, 0x000, null, 0, TestName = "Select_BothUnused_NothingBootable")]
    public void Select(int a, int b, string? expected, int after)
    {
        var table = TestDisks.Read(TestDisks.EveLayout((ushort)a, (ushort)b));
        var choice = BootSelector.Select(table);
        if (expected == null)
        {
            Assert.That(choice, Is.Null);
            return;
        }
        Assert.That(choice!.Name, Is.EqualTo(expected));
        Assert.That(choice.After.Upper16, Is.EqualTo((ushort)after));
        Assert.That(choice.ConsumedTry, Is.EqualTo(a != after && expected == "IMGA" || b != after && expected == "IMGB"));
    }

    [Test]
    public void Select_TieGoesToTableOrder_NotToTheName()
    {
        var parts = new[]
        {
            new GptPartitionEntry(2, BootSelector.EveRootfsType, Guid.NewGuid(), 4096, 8191, 0x0102UL << 48, "IMGB"),
            new GptPartitionEntry(3, BootSelector.EveRootfsType, Guid.NewGuid(), 8192, 12287, 0x0102UL << 48, "IMGA"),
        };
        Assert.That(BootSelector.Select(GptTable.Create(TestDisks.DiskSectors, Guid.NewGuid(), parts))!.Name, Is.EqualTo("IMGB"));
    }

    [Test]
    public void Select_IgnoresPartitionsThatAreNotImgaOrImgb()
    {
        var dev = TestDisks.EveLayout(0x102, 0x000);
        var table = TestDisks.Read(dev);
        table = table.WithAttributes(9, 0x010FUL << 48); // PERSIST with a winning priority
        Assert.That(BootSelector.Select(table)!.Name, Is.EqualTo("IMGA"));
    }

    [Test]
    public void ConsumeTry_ChangesOnlyTheTriesNibble_KeepingLowBits()
    {
        var state = new PartitionState(0x0013_0000_0000_0004);
        Assert.That(state.WithTriesLeft(0).Attributes, Is.EqualTo(0x0003_0000_0000_0004UL));
        Assert.That(state.With(EvePartitionState.Active).Attributes, Is.EqualTo(0x0102_0000_0000_0004UL));
        Assert.That(new PartitionState(0x0003_0000_0000_0004).Eve, Is.EqualTo(EvePartitionState.InProgress));
        Assert.That(new PartitionState(0x0113_0000_0000_0000).Eve, Is.EqualTo(EvePartitionState.Other));
    }

    [Test]
    public async Task BootAsync_WritesTheConsumedTry_SoTheSecondBootFallsBack()
    {
        var dev = TestDisks.EveLayout(0x102, 0x013);
        Assert.That((await BootSelector.BootAsync(dev)).Name, Is.EqualTo("IMGB"));
        Assert.That(new PartitionState(TestDisks.Read(dev).Find("IMGB")!.Value.Attributes).Eve, Is.EqualTo(EvePartitionState.InProgress));
        // Power cut before the commit: the next boot goes back to the old image.
        Assert.That((await BootSelector.BootAsync(dev)).Name, Is.EqualTo("IMGA"));
    }

    [Test]
    public void BootAsync_WithNothingBootable_SaysWhichStatesItFound()
    {
        var dev = TestDisks.EveLayout(0x003, 0x000);
        var e = Assert.ThrowsAsync<GptException>(() => BootSelector.BootAsync(dev));
        Assert.That(e!.Message, Does.Contain("IMGA=inprogress").And.Contain("IMGB=unused"));
    }

    [Test]
    public void CheckLayout_FlagsAnImgPartitionGrubWouldNotConsider()
    {
        var parts = new[]
        {
            new GptPartitionEntry(2, BootSelector.EveRootfsType, Guid.NewGuid(), 4096, 8191, 0, "IMGA"),
            new GptPartitionEntry(3, Guid.Parse("0fc63daf-8483-4772-8e79-3d69d8477de4"), Guid.NewGuid(), 8192, 12287, 0, "IMGB"),
        };
        Assert.That(BootSelector.CheckLayout(GptTable.Create(TestDisks.DiskSectors, Guid.NewGuid(), parts)),
            Has.One.Contains("IMGB has type"));
    }
}
