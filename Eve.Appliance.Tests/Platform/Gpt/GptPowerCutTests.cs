using Eve.Appliance.Agent.BaseOs;
using Eve.Appliance.Platform.Gpt;

namespace Eve.Appliance.Tests.Platform.Gpt;

/// <summary>A power cut during a GPT rewrite, modelled as the plan's sector writes: for every prefix
/// of the sequence, and for every prefix plus one sector torn at every byte position (new head/old
/// tail and old head/new tail), the disk must read as exactly the old or the new table, GRUB's rule
/// must find a bootable partition, and repair must make both copies whole without changing which
/// table is in force (repair at every prefix and every 8th tear position).</summary>
[TestFixture]
public sealed class GptPowerCutTests
{
    private const ushort Act = PartitionState.ActiveCode, Upd = PartitionState.UpdatingCode,
        Inp = PartitionState.InProgressCode, Unu = PartitionState.UnusedCode;

    public enum Damage { None, Primary, Backup }

    // (IMGA, IMGB) before → after, for each GPT rewrite the A/B flow performs.
    [TestCase(Act, Unu, Act, Upd, Damage.None, TestName = "PowerCut_StagingUpdate_BootsOldOrNew")]
    [TestCase(Act, Upd, Act, Inp, Damage.None, TestName = "PowerCut_ConsumingTry_BootsOldOrNew")]
    [TestCase(Act, Inp, Unu, Act, Damage.None, TestName = "PowerCut_Commit_BootsOldOrNew")]
    [TestCase(Act, Inp, Act, Unu, Damage.None, TestName = "PowerCut_DiscardFailed_BootsOldOrNew")]
    [TestCase(Act, Unu, Act, Upd, Damage.Backup, TestName = "PowerCut_StagingUpdate_WithDamagedBackup_BootsOldOrNew")]
    [TestCase(Act, Unu, Act, Upd, Damage.Primary, TestName = "PowerCut_StagingUpdate_WithDamagedPrimary_BootsOldOrNew")]
    [TestCase(Act, Inp, Unu, Act, Damage.Primary, TestName = "PowerCut_Commit_WithDamagedPrimary_BootsOldOrNew")]
    [TestCase(Act, Inp, Unu, Act, Damage.Backup, TestName = "PowerCut_Commit_WithDamagedBackup_BootsOldOrNew")]
    public async Task PowerCut(ushort a0, ushort b0, ushort a1, ushort b1, Damage damage)
    {
        var dev = TestDisks.EveLayout(a0, b0);
        if (damage == Damage.Primary) TestDisks.Sector(dev, 1)[70] ^= 0x40;
        if (damage == Damage.Backup) TestDisks.Sector(dev, TestDisks.DiskSectors - 1)[70] ^= 0x40;
        var current = await GptReader.ReadAsync(dev);
        var oldTable = current.Table;
        var newTable = oldTable.WithAttributes(2, (ulong)a1 << 48).WithAttributes(3, (ulong)b1 << 48);
        var plan = await GptWriter.PlanAsync(dev, current, newTable);
        var writes = plan.Steps.Where(s => !s.IsFlush).ToList();
        var expected = new[] { BootSelector.Select(oldTable)!, BootSelector.Select(newTable)! };
        Assert.That(expected, Has.None.Null, "both the old and the new state must be bootable to begin with");

        // Only the GPT areas change; restoring just them keeps ~33,000 states per run cheap.
        const int head = 34 * 512, tail = 33 * 512;
        var snapHead = dev.Bytes.AsSpan(0, head).ToArray();
        var snapTail = dev.Bytes.AsSpan(dev.Bytes.Length - tail).ToArray();
        int states = 0;
        for (int k = 0; k <= writes.Count; k++)
        {
            await CheckAsync(k, null);
            if (k == writes.Count) break;
            for (int t = 1; t < 512; t++)
            {
                await CheckAsync(k, (t, newHead: true));
                await CheckAsync(k, (t, newHead: false));
            }
        }
        TestContext.Out.WriteLine($"{TestContext.CurrentContext.Test.Name}: {writes.Count} sector writes, {states} power-cut states checked");
        Assert.That(states, Is.EqualTo(writes.Count * 1023 + 1));

        async Task CheckAsync(int done, (int At, bool newHead)? tear)
        {
            snapHead.CopyTo(dev.Bytes, 0);
            snapTail.CopyTo(dev.Bytes, dev.Bytes.Length - tail);
            for (int i = 0; i < done; i++) await dev.WriteAsync((long)writes[i].Lba * 512, writes[i].Data);
            if (tear is { } tr)
            {
                var w = writes[done];
                var sector = TestDisks.Sector(dev, (long)w.Lba);
                if (tr.newHead) w.Data.AsSpan(0, tr.At).CopyTo(sector);
                else w.Data.AsSpan(tr.At).CopyTo(sector[tr.At..]);
            }
            states++;
            string where = $"after {done} of {writes.Count} writes" + (tear is { } x ? $", sector {writes[done].Lba} torn at byte {x.At} ({(x.newHead ? "new head" : "old head")})" : "");

            var read = await GptReader.ReadAsync(dev);
            bool isOld = read.Table.EntriesBytes.SequenceEqual(oldTable.EntriesBytes);
            bool isNew = read.Table.EntriesBytes.SequenceEqual(newTable.EntriesBytes);
            Assert.That(isOld || isNew, Is.True, $"{where}: the table in force is neither the old nor the new one");
            var choice = BootSelector.Select(read.Table);
            Assert.That(choice, Is.Not.Null, $"{where}: nothing bootable");
            Assert.That(choice!.Name, Is.EqualTo(expected[isOld ? 0 : 1].Name), where);

            // Repair reads and rewrites both copies: worth checking at every prefix and at every
            // 8th tear position (each costs as much as the rest of the state check).
            if (tear is { } rt && rt.At % 8 != 1) return;
            await GptWriter.RepairAsync(dev);
            var repaired = await GptReader.ReadAsync(dev);
            Assert.That(repaired.NeedsRepair, Is.False, $"{where}: repair left a damaged copy");
            Assert.That(repaired.Table.EntriesBytes.SequenceEqual(read.Table.EntriesBytes), Is.True, $"{where}: repair changed the table in force");
        }
    }
}
