using Eve.Appliance.Agent.Connectivity;

namespace Eve.Appliance.Tests.Agent.Connectivity;

[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class DpcManagerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DpcTimers Timers = new()
    {
        TestDuration = TimeSpan.FromSeconds(30), TestInterval = TimeSpan.FromMinutes(5), TestBetterInterval = TimeSpan.FromMinutes(10),
    };

    internal static DevicePortConfig Dhcp(string key, int minutes) =>
        new(key, T0.AddMinutes(minutes), [new DpcPort("eth0", "eth0", true, 0, Dhcp: true)]);

    internal static DevicePortConfig Static(string key, int minutes, string gw) =>
        new(key, T0.AddMinutes(minutes), [new DpcPort("eth0", "eth0", true, 0, Dhcp: false, AddrSubnet: "10.0.0.5/24", Gateway: gw)]);

    private static DpcAction.Test TestOf(IReadOnlyList<DpcAction> actions) => actions.OfType<DpcAction.Test>().Single();

    private static (DpcManagerState, IReadOnlyList<DpcAction>) Working(DpcManager m, DevicePortConfig dpc)
    {
        var (s, _) = m.Handle(DpcManagerState.Initial([], -1), new DpcEvent.Start(), T0);
        (s, var a) = m.Handle(s, new DpcEvent.Received(dpc), T0);
        return m.Handle(s, new DpcEvent.TestFinished(TestOf(a).Attempt, true, null), T0);
    }

    [Test]
    public void NewDpc_IsAppliedAndTested_SuccessMakesItCurrent()
    {
        var m = new DpcManager(Timers);
        var (s, _) = m.Handle(DpcManagerState.Initial([], -1), new DpcEvent.Start(), T0);
        Assert.That((s.Phase, s.CurrentIndex), Is.EqualTo((DpcPhase.Stable, -1)));
        (s, var a) = m.Handle(s, new DpcEvent.Received(Dhcp("zedagent", 1)), T0);
        Assert.That(a.OfType<DpcAction.Apply>().Single().Dpc.Key, Is.EqualTo("zedagent"));
        Assert.That(s.Phase, Is.EqualTo(DpcPhase.Testing));
        (s, a) = m.Handle(s, new DpcEvent.TestFinished(TestOf(a).Attempt, true, null), T0.AddSeconds(2));
        Assert.That((s.Phase, s.CurrentIndex, s.Current!.LastSucceeded), Is.EqualTo((DpcPhase.Stable, 0, (DateTimeOffset?)T0.AddSeconds(2))));
        Assert.That(a, Has.Some.TypeOf<DpcAction.Persist>());
    }

    [Test]
    public void LocalOperatorDpcWorking_KeepsTheControllersUnderIt_RemovedInUse_ReappliesTheBestLeft()
    {
        var m = new DpcManager(Timers);
        var (s, _) = Working(m, Dhcp("zedagent", 1));
        (s, var a) = m.Handle(s, new DpcEvent.Received(Static("lps", 2, "10.0.0.1")), T0.AddMinutes(2));
        (s, _) = m.Handle(s, new DpcEvent.TestFinished(TestOf(a).Attempt, true, null), T0.AddMinutes(2));
        Assert.That(s.List.Select(d => d.Key), Is.EqualTo(new[] { "lps", "zedagent" }), "the controller's DPC is the local one's base: not pruned");
        Assert.That(s.Current!.Key, Is.EqualTo("lps"));

        (s, a) = m.Handle(s, new DpcEvent.Removed("lps"), T0.AddMinutes(3));
        Assert.That(s.List.Select(d => d.Key), Is.EqualTo(new[] { "zedagent" }));
        Assert.That(a.OfType<DpcAction.Apply>().Single().Dpc.Key, Is.EqualTo("zedagent"), "what was in use left: the best left is applied");
        Assert.That(a, Has.Some.TypeOf<DpcAction.Persist>());
        (s, a) = m.Handle(s, new DpcEvent.Removed("lps"), T0.AddMinutes(3));
        Assert.That(a, Is.Empty, "removing what is not there changes nothing");
    }

    [Test]
    public void FailedNewDpc_FallsBackToLastWorking_AndKeepsError()
    {
        var m = new DpcManager(Timers);
        var (s, _) = Working(m, Dhcp("zedagent", 1));
        (s, var a) = m.Handle(s, new DpcEvent.Received(Static("override", 2, "10.0.0.99")), T0.AddMinutes(1));
        Assert.That(a.OfType<DpcAction.Apply>().Single().Dpc.Key, Is.EqualTo("override"));
        (s, a) = m.Handle(s, new DpcEvent.TestFinished(TestOf(a).Attempt, false, "eth0: no default route"), T0.AddMinutes(1));
        Assert.That(a.OfType<DpcAction.Apply>().Single().Dpc.Key, Is.EqualTo("zedagent"), "falls back to the DPC that worked");
        Assert.That(s.LastError, Does.Contain("override").And.Contain("no default route"));
        (s, a) = m.Handle(s, new DpcEvent.TestFinished(TestOf(a).Attempt, true, null), T0.AddMinutes(1));
        Assert.That(s.Current!.Key, Is.EqualTo("zedagent"));
        Assert.That(s.List[0].Key, Is.EqualTo("override"), "the better DPC stays on top to be retried");
        Assert.That(s.List[0].LastError, Does.Contain("no default route"));
    }

    [Test]
    public void TestWithoutAnswer_TimesOutAtTestDuration()
    {
        var m = new DpcManager(Timers);
        var (s, _) = Working(m, Dhcp("zedagent", 1));
        (s, _) = m.Handle(s, new DpcEvent.Received(Static("override", 2, "10.0.0.99")), T0);
        var (same, none) = m.Handle(s, new DpcEvent.Tick(), T0.AddSeconds(31));
        Assert.That((same, none.Count), Is.EqualTo((s, 0)));
        (s, var a) = m.Handle(s, new DpcEvent.Tick(), T0.AddSeconds(32));
        Assert.That(a.OfType<DpcAction.Apply>().Single().Dpc.Key, Is.EqualTo("zedagent"));
        Assert.That(s.LastError, Does.Contain("timer.port.testduration"));
    }

    [Test]
    public void StaleTestResult_IsIgnored()
    {
        var m = new DpcManager(Timers);
        var (s, _) = Working(m, Dhcp("zedagent", 1));
        (s, var a) = m.Handle(s, new DpcEvent.Received(Static("override", 2, "10.0.0.99")), T0);
        var (after, actions) = m.Handle(s, new DpcEvent.TestFinished(TestOf(a).Attempt - 1, true, null), T0);
        Assert.That((after, actions.Count), Is.EqualTo((s, 0)));
    }

    [Test]
    public void Stable_RetestsEveryTestInterval_WithoutReapplying()
    {
        var m = new DpcManager(Timers);
        var (s, _) = Working(m, Dhcp("zedagent", 1));
        var (same, none) = m.Handle(s, new DpcEvent.Tick(), T0.AddMinutes(4));
        Assert.That(none, Is.Empty);
        (s, var a) = m.Handle(s, new DpcEvent.Tick(), T0.AddMinutes(5));
        Assert.That(a.Single(), Is.TypeOf<DpcAction.Test>());
        Assert.That(s.TestingIndex, Is.EqualTo(0));
    }

    [Test]
    public void OnLowerDpc_BetterOneIsRetriedEveryTestBetterInterval_AndWinsWhenItWorks()
    {
        var m = new DpcManager(Timers);
        var (s, _) = Working(m, Dhcp("zedagent", 1));
        (s, var a) = m.Handle(s, new DpcEvent.Received(Static("override", 2, "10.0.0.99")), T0);
        (s, a) = m.Handle(s, new DpcEvent.TestFinished(TestOf(a).Attempt, false, "down"), T0);
        (s, _) = m.Handle(s, new DpcEvent.TestFinished(TestOf(a).Attempt, true, null), T0);
        Assert.That(s.CurrentIndex, Is.EqualTo(1));
        (s, a) = m.Handle(s, new DpcEvent.Tick(), T0.AddMinutes(10));
        Assert.That(a.OfType<DpcAction.Apply>().Single().Dpc.Key, Is.EqualTo("override"));
        (s, _) = m.Handle(s, new DpcEvent.TestFinished(TestOf(a).Attempt, true, null), T0.AddMinutes(10));
        Assert.That((s.CurrentIndex, s.Current!.Key), Is.EqualTo((0, "override")));
        Assert.That(s.List.Select(d => d.Key), Is.EqualTo(new[] { "override" }), "the lower DPC is pruned once the better one works");
    }

    [Test]
    public void LowerDpcArrivingDuringTest_DoesNotPreemptIt()
    {
        var m = new DpcManager(Timers);
        var (s, _) = m.Handle(DpcManagerState.Initial([], -1), new DpcEvent.Start(), T0);
        (s, _) = m.Handle(s, new DpcEvent.Received(Dhcp("override", 1)), T0);
        (s, var a) = m.Handle(s, new DpcEvent.Received(DpcSources.LastResort(["eth0"])), T0);
        Assert.That(a.Single(), Is.TypeOf<DpcAction.Persist>());
        Assert.That(s.UnderTest!.Key, Is.EqualTo("override"));
    }

    [Test]
    public void SameConfigAgain_ChangesNothing()
    {
        var m = new DpcManager(Timers);
        var (s, _) = Working(m, Dhcp("zedagent", 1));
        var (after, a) = m.Handle(s, new DpcEvent.Received(Dhcp("zedagent", 7)), T0);
        Assert.That((after, a.Count), Is.EqualTo((s, 0)));
    }

    [Test]
    public void OlderDpc_IsKeptBelowCurrent_NotApplied()
    {
        var m = new DpcManager(Timers);
        var (s, _) = Working(m, Dhcp("zedagent", 5));
        (s, var a) = m.Handle(s, new DpcEvent.Received(Static("usb", 1, "10.0.0.1")), T0);
        Assert.That(a.Single(), Is.TypeOf<DpcAction.Persist>());
        Assert.That(s.List.Select(d => d.Key), Is.EqualTo(new[] { "zedagent", "usb" }));
    }

    [Test]
    public void AllFail_StaysStableWithoutCurrent_AndRestartsFromTopAtRetest()
    {
        var m = new DpcManager(Timers);
        var (s, _) = m.Handle(DpcManagerState.Initial([], -1), new DpcEvent.Start(), T0);
        (s, _) = m.Handle(s, new DpcEvent.Received(DpcSources.LastResort(["eth0"])), T0);
        (s, var a) = m.Handle(s, new DpcEvent.Received(Static("zedagent", 1, "10.0.0.99")), T0);
        (s, a) = m.Handle(s, new DpcEvent.TestFinished(TestOf(a).Attempt, false, "no route"), T0);
        Assert.That(a.OfType<DpcAction.Apply>().Single().Dpc.IsLastResort, Is.True);
        (s, a) = m.Handle(s, new DpcEvent.TestFinished(TestOf(a).Attempt, false, "no lease"), T0);
        Assert.That((s.Phase, s.CurrentIndex), Is.EqualTo((DpcPhase.Stable, -1)));
        (s, a) = m.Handle(s, new DpcEvent.Tick(), T0.AddMinutes(5));
        Assert.That(a.OfType<DpcAction.Apply>().Single().Dpc.Key, Is.EqualTo("zedagent"));
    }

    [Test]
    public void Start_ReappliesTheDpcThatWorkedLast()
    {
        var m = new DpcManager(Timers);
        var worked = Dhcp("zedagent", 1) with { LastSucceeded = T0 };
        var failed = Static("override", 2, "10.0.0.99") with { LastFailed = T0, LastError = "x" };
        var (s, a) = m.Handle(DpcManagerState.Initial([failed, worked], 1), new DpcEvent.Start(), T0);
        Assert.That(a.OfType<DpcAction.Apply>().Single().Dpc.Key, Is.EqualTo("zedagent"));
        Assert.That(s.Phase, Is.EqualTo(DpcPhase.Testing));
    }

    /// <summary>Every event in every phase yields a consistent state: indices inside the list, a test
    /// action exactly when a test starts, the list sorted.</summary>
    [Test]
    public void StatesTimesEvents_KeepInvariants()
    {
        var m = new DpcManager(Timers);
        var states = new List<DpcManagerState> { DpcManagerState.Initial([], -1) };
        var (working, _) = Working(m, Dhcp("zedagent", 1));
        states.Add(working);
        var (testing, ta) = m.Handle(working, new DpcEvent.Received(Static("override", 2, "10.0.0.99")), T0);
        states.Add(testing);
        var (allFailed, _) = m.Handle(m.Handle(DpcManagerState.Initial([Static("usb", 1, "1.1.1.1")], -1), new DpcEvent.Start(), T0).State,
            new DpcEvent.TestFinished(1, false, "x"), T0);
        states.Add(allFailed);
        var attempt = TestOf(ta).Attempt;
        DpcEvent[] events =
        [
            new DpcEvent.Start(), new DpcEvent.Tick(), new DpcEvent.TestFinished(attempt, true, null),
            new DpcEvent.TestFinished(attempt, false, "x"), new DpcEvent.Received(Dhcp("usb", 3)),
            new DpcEvent.Received(DpcSources.LastResort(["eth0", "eth1", "wlan0"])),
        ];
        foreach (var s in states)
        foreach (var e in events)
        foreach (var now in new[] { T0, T0.AddMinutes(30) })
        {
            var (n, a) = m.Handle(s, e, now);
            Assert.That(n.CurrentIndex, Is.InRange(-1, n.List.Count - 1), $"{s.Phase} + {e}");
            Assert.That(n.List, Is.EqualTo(DpcOrdering.Sort(n.List)), $"{s.Phase} + {e}: list order");
            var tests = a.OfType<DpcAction.Test>().ToList();
            if (n.Phase == DpcPhase.Testing && n.TestAttempt != s.TestAttempt)
                Assert.That(tests.Single().Attempt, Is.EqualTo(n.TestAttempt), $"{s.Phase} + {e}");
            else
                Assert.That(tests, Is.Empty, $"{s.Phase} + {e}");
            if (n.Phase == DpcPhase.Testing) Assert.That(n.TestingIndex, Is.InRange(0, n.List.Count - 1));
        }
    }
}
