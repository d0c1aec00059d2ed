using Eve.Appliance.Agent.BaseOs;
using Eve.Appliance.Tests.Platform.Gpt;
using S = Eve.Appliance.Agent.BaseOs.EvePartitionState;
using E = Eve.Appliance.Agent.BaseOs.BaseOsEvent;

namespace Eve.Appliance.Tests.Agent.BaseOs;

[TestFixture]
public sealed class BaseOsTransitionsTests
{
    // Every accepted (current, other, event) → (current', other', actions). Everything else is refused.
    private static readonly Dictionary<(S, S, E), (S, S, string)> Accepted = new()
    {
        [(S.Active, S.Unused, E.Started)] = (S.Active, S.Unused, ""),
        [(S.Active, S.InProgress, E.Started)] = (S.Active, S.InProgress, "report-failed"),
        [(S.Active, S.Updating, E.Started)] = (S.Active, S.Updating, "reboot"),
        [(S.InProgress, S.Active, E.Started)] = (S.InProgress, S.Active, "start-test"),
        [(S.InProgress, S.InProgress, E.Started)] = (S.InProgress, S.InProgress, "start-test"),
        [(S.Active, S.Unused, E.ImageWritten)] = (S.Active, S.Updating, "other:=updating reboot"),
        [(S.Active, S.InProgress, E.ImageWritten)] = (S.Active, S.Updating, "other:=updating reboot"),
        [(S.InProgress, S.Active, E.TestPassed)] = (S.Active, S.Unused, "current:=active other:=unused"),
        [(S.InProgress, S.InProgress, E.TestPassed)] = (S.Active, S.Unused, "current:=active other:=unused"),
        [(S.InProgress, S.Active, E.TestFailed)] = (S.InProgress, S.Active, "reboot"),
        [(S.Active, S.Unused, E.ForceFallback)] = (S.Active, S.Updating, "other:=updating reboot"),
        [(S.Active, S.InProgress, E.RetryUpdate)] = (S.Active, S.Updating, "other:=updating reboot"),
        [(S.Active, S.InProgress, E.DiscardOther)] = (S.Active, S.Unused, "other:=unused"),
        [(S.Active, S.Updating, E.DiscardOther)] = (S.Active, S.Unused, "other:=unused"),
        [(S.Active, S.Unused, E.DiscardOther)] = (S.Active, S.Unused, ""),
    };

    private static IEnumerable<TestCaseData> AllPairs() =>
        from cur in Enum.GetValues<S>()
        from other in Enum.GetValues<S>()
        from ev in Enum.GetValues<E>()
        select new TestCaseData((int)cur, (int)other, (int)ev).SetName($"Next_{cur}_{other}_{ev}");

    [TestCaseSource(nameof(AllPairs))]
    public void Next(int curValue, int otherValue, int evValue)
    {
        // Ints because the enums are internal and NUnit test methods must be public.
        var (cur, other, ev) = ((S)curValue, (S)otherValue, (E)evValue);
        var t = BaseOsTransitions.Next(new BaseOsSlots(cur, other), ev);
        if (Accepted.TryGetValue((cur, other, ev), out var want))
        {
            Assert.That(t.Refusal, Is.Null);
            Assert.That(t.State, Is.EqualTo(new BaseOsSlots(want.Item1, want.Item2)));
            Assert.That(string.Join(' ', t.Actions), Is.EqualTo(want.Item3));
            // Whatever the machine writes, a reboot right after must find something to boot: the
            // state actions are applied to a real table (current = IMGA) and GRUB's rule is run.
            if (t.Actions.Count == 0 || t.Actions.All(a => a.Kind is BaseOsActionKind.StartTestWindow or BaseOsActionKind.ReportFailedUpdate)) return;
            var table = TestDisks.Read(TestDisks.EveLayout(Code(t.State.Current), Code(t.State.Other)));
            Assert.That(BootSelector.Select(table), Is.Not.Null, $"after {ev} in {cur}/{other} nothing would boot");
            if (ev == E.ImageWritten || ev == E.ForceFallback || ev == E.RetryUpdate)
                Assert.That(BootSelector.Select(table)!.Name, Is.EqualTo("IMGB"), "the staged partition must be what GRUB tries next");
            if (ev == E.TestFailed)
                Assert.That(BootSelector.Select(table)!.Name, Is.EqualTo("IMGB"), "fallback must boot the other, committed image");
        }
        else
        {
            Assert.That(t.Refused, Is.True, "this pair must be refused");
            Assert.That(t.Refusal, Does.Contain(PartitionState.Name(cur)).Or.Contain("attributes EVE never writes"), "the reason names the state");
            Assert.That(t.Actions, Is.Empty);
            Assert.That(t.State, Is.EqualTo(new BaseOsSlots(cur, other)));
        }
    }

    [Test]
    public void TableCoversEveryAcceptedPair()
    {
        int accepted = 0;
        foreach (var cur in Enum.GetValues<S>())
            foreach (var other in Enum.GetValues<S>())
                foreach (var ev in Enum.GetValues<E>())
                    if (!BaseOsTransitions.Next(new BaseOsSlots(cur, other), ev).Refused) accepted++;
        Assert.That(accepted, Is.EqualTo(Accepted.Count));
    }

    private static ushort Code(S s) => s == S.Other ? (ushort)0x0113 : PartitionState.CodeOf(s);
}
