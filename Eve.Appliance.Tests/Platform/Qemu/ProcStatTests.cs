using Eve.Appliance.Platform.Qemu;

namespace Eve.Appliance.Tests.Platform.Qemu;

[TestFixture]
public sealed class ProcStatTests
{
    [Test]
    public void Parse_TakesFieldsAfterTheLastParenthesis_EvenWhenCommHasSpacesAndParens()
    {
        var text = "4242 (qemu (x) y) S 1 4242 4242 0 -1 4194624 100 0 0 0 250 50 0 0 20 0 3 0 987654 1000 500 18446744073709551615";
        var s = ProcStat.Parse(text);
        Assert.That(s, Is.EqualTo(new ProcStat('S', 250, 50, 987654)));
        Assert.That(s!.Value.CpuTime, Is.EqualTo(TimeSpan.FromSeconds(3)));
        Assert.That(s.Value.IsGone, Is.False);
        Assert.That(ProcStat.Parse(text.Replace(") S ", ") Z "))!.Value.IsGone, Is.True);
    }

    [Test]
    public void OwnProcess_IsReadable()
    {
        var s = ProcStat.TryRead(Environment.ProcessId);
        Assert.That(s, Is.Not.Null);
        Assert.That(s!.Value.StartTicks, Is.GreaterThan(0));
    }
}
