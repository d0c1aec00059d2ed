using Eve.Appliance.Agent.Telemetry.Logs;

namespace Eve.Appliance.Tests.Agent.Telemetry.Logs;

[TestFixture]
public sealed class LogUploadPacerTests
{
    private static readonly LogUploadPacing Pacing = new()
    {
        Interval = TimeSpan.FromSeconds(90), FastBacklog = 5, MinInterval = TimeSpan.FromMilliseconds(200), MaxBackoff = TimeSpan.FromMinutes(30),
    };

    [TestCase(0, 90_000)]
    [TestCase(5, 90_000)]
    [TestCase(10, 45_000)]
    [TestCase(50, 9_000)]
    [TestCase(100_000, 200)]
    public void Interval_ShrinksWithTheBacklog(int backlog, int expectedMs)
    {
        var pacer = new LogUploadPacer(Pacing);
        Assert.That(pacer.Next(LogUploadOutcome.Delivered, backlog), Is.EqualTo(TimeSpan.FromMilliseconds(expectedMs)));
    }

    [Test]
    public void ControllerAway_DoublesTheWaitUpToTheCap_AndAnAnswerResetsIt()
    {
        var pacer = new LogUploadPacer(Pacing);
        var waits = Enumerable.Range(0, 8).Select(_ => pacer.Next(LogUploadOutcome.ControllerAway, 1000).TotalSeconds).ToList();
        Assert.That(waits, Is.EqualTo(new double[] { 90, 180, 360, 720, 1440, 1800, 1800, 1800 }));
        Assert.That(pacer.Backoff, Is.EqualTo(TimeSpan.FromMinutes(30)));

        // Back: the backlog drains at the fast pace at once, not after the back-off.
        Assert.That(pacer.Next(LogUploadOutcome.Delivered, 1000), Is.EqualTo(TimeSpan.FromMilliseconds(450)));
        Assert.That(pacer.Backoff, Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void Idle_WaitsTheNormalInterval()
    {
        var pacer = new LogUploadPacer(Pacing);
        pacer.Next(LogUploadOutcome.ControllerAway, 3);
        Assert.That(pacer.Next(LogUploadOutcome.Idle, 0), Is.EqualTo(TimeSpan.FromSeconds(90)));
    }
}
