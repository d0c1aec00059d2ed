using Eve.Appliance.Agent.Apps;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.Agent.Apps;

[TestFixture]
public sealed class ConsoleLogTailerTests
{
    [Test]
    public void NewCompleteLines_AreReturnedOnce_AndAPartialLineWaitsForItsNewline()
    {
        using var dir = new TempDir("evat");
        var path = dir.Sub("console.log");
        File.WriteAllText(path, "old line\r\n");
        var tailer = ConsoleLogTailer.AtEnd(path);
        Assert.That(tailer.ReadNewLines(), Is.Empty, "lines from before are not sent again");
        File.AppendAllText(path, "EVE-TEST-MARKER: init\r\nhalf");
        Assert.That(tailer.ReadNewLines(), Is.EqualTo(new[] { "EVE-TEST-MARKER: init" }));
        File.AppendAllText(path, " done\n\n");
        Assert.That(tailer.ReadNewLines(), Is.EqualTo(new[] { "half done" }));
        Assert.That(tailer.ReadNewLines(), Is.Empty);
    }

    [Test]
    public void AFileThatShrank_IsReadFromItsStart()
    {
        using var dir = new TempDir("evat");
        var path = dir.Sub("console.log");
        File.WriteAllText(path, "a long first line\n");
        var tailer = new ConsoleLogTailer(path, 0);
        Assert.That(tailer.ReadNewLines(), Has.Count.EqualTo(1));
        File.WriteAllText(path, "new\n");
        Assert.That(tailer.ReadNewLines(), Is.EqualTo(new[] { "new" }));
    }
}
