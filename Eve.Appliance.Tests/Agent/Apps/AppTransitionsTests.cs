using Eve.Appliance.Agent.Apps;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Tests.Agent.Apps;

[TestFixture]
public sealed class AppTransitionsTests
{
    private static ZSwState Walk(ZSwState state, params AppEvent[] events)
    {
        foreach (var e in events)
            state = AppTransitions.Next(state, e) ?? throw new AssertionException($"{e} refused in {state}");
        return state;
    }

    [Test]
    public void HappyPath_WalksEveStatesFromInitialToRunningAndHalted()
    {
        var seen = new List<ZSwState>();
        var state = ZSwState.Initial;
        foreach (var e in new[]
                 {
                     AppEvent.DownloadStarted, AppEvent.Downloaded, AppEvent.VerifyStarted, AppEvent.Verified, AppEvent.VolumesCreating,
                     AppEvent.VolumesCreated, AppEvent.Installed, AppEvent.BootStarted, AppEvent.Booted, AppEvent.HaltRequested, AppEvent.Halted,
                 })
        {
            state = Walk(state, e);
            seen.Add(state);
        }
        Assert.That(seen, Is.EqualTo(new[]
        {
            ZSwState.DownloadStarted, ZSwState.Downloaded, ZSwState.Verifying, ZSwState.Verified, ZSwState.CreatingVolume,
            ZSwState.CreatedVolume, ZSwState.Installed, ZSwState.Booting, ZSwState.Running, ZSwState.Halting, ZSwState.Halted,
        }));
    }

    [Test]
    public void HaltedApp_BootsAgain_AndPreparesAgainForAPurge()
    {
        Assert.That(Walk(ZSwState.Halted, AppEvent.BootStarted, AppEvent.Booted), Is.EqualTo(ZSwState.Running));
        Assert.That(Walk(ZSwState.Halted, AppEvent.DownloadStarted), Is.EqualTo(ZSwState.DownloadStarted));
    }

    [Test]
    public void Crash_GoesToError_FromWhichTheAppIsRestarted()
    {
        Assert.That(Walk(ZSwState.Running, AppEvent.Crashed), Is.EqualTo(ZSwState.Error));
        Assert.That(Walk(ZSwState.Error, AppEvent.BootStarted, AppEvent.Booted), Is.EqualTo(ZSwState.Running));
        Assert.That(Walk(ZSwState.Error, AppEvent.DownloadStarted), Is.EqualTo(ZSwState.DownloadStarted));
    }

    [TestCase(ZSwState.Initial)]
    [TestCase(ZSwState.Verifying)]
    [TestCase(ZSwState.Running)]
    [TestCase(ZSwState.Halted)]
    public void FailedResetAndAdopted_AreAcceptedInEveryState(ZSwState state)
    {
        Assert.That(AppTransitions.Next(state, AppEvent.Failed), Is.EqualTo(ZSwState.Error));
        Assert.That(AppTransitions.Next(state, AppEvent.Reset), Is.EqualTo(ZSwState.Initial));
        Assert.That(AppTransitions.Next(state, AppEvent.Adopted), Is.EqualTo(ZSwState.Running));
    }

    [TestCase(ZSwState.Initial, "BootStarted")]
    [TestCase(ZSwState.Downloaded, "Booted")]
    [TestCase(ZSwState.Running, "DownloadStarted")]
    [TestCase(ZSwState.Running, "Installed")]
    [TestCase(ZSwState.Installed, "Crashed")]
    [TestCase(ZSwState.DownloadStarted, "Verified")]
    [TestCase(ZSwState.Halted, "HaltRequested")]
    public void OutOfOrderEvents_AreRefused(ZSwState state, string e) =>
        Assert.That(AppTransitions.Next(state, Enum.Parse<AppEvent>(e)), Is.Null);

    [Test]
    public void EveryStateEventPair_IsEitherRefusedOrLandsInAKnownLifecycleState()
    {
        var lifecycle = new HashSet<ZSwState>
        {
            ZSwState.Initial, ZSwState.DownloadStarted, ZSwState.Downloaded, ZSwState.Verifying, ZSwState.Verified, ZSwState.CreatingVolume,
            ZSwState.CreatedVolume, ZSwState.Installed, ZSwState.Booting, ZSwState.Running, ZSwState.Halting, ZSwState.Halted, ZSwState.Error,
        };
        foreach (var s in lifecycle)
        foreach (var e in Enum.GetValues<AppEvent>())
            if (AppTransitions.Next(s, e) is { } next) Assert.That(lifecycle, Does.Contain(next), $"{s} + {e}");
    }

    [TestCase(ZSwState.Booting, true)]
    [TestCase(ZSwState.Running, true)]
    [TestCase(ZSwState.Halting, true)]
    [TestCase(ZSwState.Halted, false)]
    [TestCase(ZSwState.Installed, false)]
    [TestCase(ZSwState.Error, false)]
    public void OnlyBootingRunningAndHalting_HaveADomainToAdopt(ZSwState state, bool expected) =>
        Assert.That(AppTransitions.HasDomain(state), Is.EqualTo(expected));
}
