using Eve.Appliance.Agent.Connectivity;

namespace Eve.Appliance.Tests.Agent.Connectivity;

/// <summary>timer.port.testduration counts from the end of applying, not from the decision to apply:
/// starting DHCP clients on dead ports can take seconds.</summary>
[TestFixture]
public sealed class DpcTestWindowTests
{
    [Test]
    public void TestWindow_StartsWhenApplyingFinished()
    {
        var manager = new DpcManager(new DpcTimers { TestDuration = TimeSpan.FromSeconds(10), TestGrace = TimeSpan.FromSeconds(2) });
        var t0 = DateTimeOffset.Parse("2026-11-28T10:00:00Z");
        var (s, actions) = manager.Handle(DpcManagerState.Initial([], -1), new DpcEvent.Start(), t0);
        (s, actions) = manager.Handle(s, new DpcEvent.Received(DpcSources.LastResort(["eth0"])), t0);
        var test = actions.OfType<DpcAction.Test>().Single();
        (s, _) = manager.Handle(s, new DpcEvent.Applied(test.Attempt), t0.AddSeconds(5));
        (s, actions) = manager.Handle(s, new DpcEvent.Tick(), t0.AddSeconds(13));
        Assert.That((s.Phase, actions.Count), Is.EqualTo((DpcPhase.Testing, 0)), "13 s after the decision but 8 s after applying: still in the window");
        (s, _) = manager.Handle(s, new DpcEvent.Tick(), t0.AddSeconds(17.5));
        Assert.That(s.LastError, Does.Contain("no connectivity within 10 s"));
        var (stale, _) = manager.Handle(s, new DpcEvent.Applied(test.Attempt), t0.AddSeconds(18));
        Assert.That(stale.TestStarted, Is.EqualTo(s.TestStarted), "an old attempt's apply changes nothing");
    }
}
