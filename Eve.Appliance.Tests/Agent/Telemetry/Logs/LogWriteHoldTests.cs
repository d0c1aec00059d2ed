using Eve.Appliance.Agent.Telemetry.Logs;
using Org.Lfedge.Eve.Logs;

namespace Eve.Appliance.Tests.Agent.Telemetry.Logs;

/// <summary>Lines held while the disk refuses writes: bounded, in order, and the fault told in words.</summary>
[TestFixture]
public sealed class LogWriteHoldTests
{
    [Test]
    public void Hold_KeepsOrder_DropsTheOldestBeyondItsBound_AndSaysSoWhenWritesWork()
    {
        var hold = new LogWriteHold(TimeProvider.System, "/persist/newlog");
        hold.Failed(new IOException("No space left on device"), new LogEntry { Content = "line 0" }, LogStreams.Device);
        for (var i = 1; i < LogWriteHold.MaxLines + 10; i++) hold.Add(new LogEntry { Content = $"line {i}" }, LogStreams.Device);
        Assert.That(hold.Count, Is.EqualTo(LogWriteHold.MaxLines));
        Assert.That(hold.Dropped, Is.EqualTo(11), "the error notice, lines 0–9 went first");
        Assert.That(hold.Fault, Is.EqualTo("No space left on device"));

        var written = new List<string>();
        var failNext = true;
        hold.Drain((e, _) =>
        {
            if (failNext) { failNext = false; throw new IOException("still full"); }
            written.Add(e.Content);
        });
        Assert.That(written, Is.Empty, "a failing write stops the drain");
        Assert.That(hold.Fault, Is.EqualTo("still full"));
        Assert.That(hold.Count, Is.EqualTo(LogWriteHold.MaxLines), "nothing lost by the failed try");

        hold.Drain((e, _) => written.Add(e.Content));
        Assert.That(written[0], Is.EqualTo("line 10"));
        Assert.That(written[^2], Is.EqualTo($"line {LogWriteHold.MaxLines + 9}"));
        Assert.That(written[^1], Does.StartWith("log spool: writing to /persist/newlog again").And.Contain("11 dropped"));
        Assert.That(written, Has.Count.EqualTo(LogWriteHold.MaxLines + 1));
        Assert.That((hold.Count, hold.Fault), Is.EqualTo((0, (string?)null)));
    }
}
