namespace Eve.Appliance.Agent.Connectivity;

/// <summary>EVE's DpcManager as a pure state machine: <c>(state, event, now) → (state, actions)</c>.
/// The newest DPC is applied and tested; if it cannot reach the controller within
/// <see cref="DpcTimers.TestDuration"/> the manager falls back to a lower-priority DPC — preferring one
/// that worked before — and keeps the error. The DPC in use is retested every
/// <see cref="DpcTimers.TestInterval"/>; while a lower one is in use the top one is retried every
/// <see cref="DpcTimers.TestBetterInterval"/>. No I/O here: the driver performs the actions.</summary>
internal sealed class DpcManager(DpcTimers timers)
{
    /// <summary>Replaced when the controller's <c>timer.port.*</c> config items change.</summary>
    public DpcTimers Timers { get; set; } = timers;

    private static DateTimeOffset After(DateTimeOffset now, TimeSpan span) =>
        span <= TimeSpan.Zero || span >= DateTimeOffset.MaxValue - now ? DateTimeOffset.MaxValue : now + span;

    public (DpcManagerState State, IReadOnlyList<DpcAction> Actions) Handle(DpcManagerState s, DpcEvent e, DateTimeOffset now) =>
        e switch
        {
            DpcEvent.Start => OnStart(s, now),
            DpcEvent.Received r => OnReceived(s, r.Dpc, now),
            DpcEvent.Removed r => OnRemoved(s, r.Key, now),
            DpcEvent.TestFinished t => OnTestFinished(s, t, now),
            DpcEvent.Tick => OnTick(s, now),
            DpcEvent.Applied a => (s.Phase == DpcPhase.Testing && a.Attempt == s.TestAttempt ? s with { TestStarted = now } : s, []),
            _ => throw new ArgumentOutOfRangeException(nameof(e), e, "unknown DPC event"),
        };

    private (DpcManagerState, IReadOnlyList<DpcAction>) OnStart(DpcManagerState s, DateTimeOffset now)
    {
        // Nothing to apply yet: the first DPC that arrives is tested at once.
        if (s.List.Count == 0) return (s with { Phase = DpcPhase.Stable, CurrentIndex = -1, NextRetest = DateTimeOffset.MaxValue }, []);
        // After a restart the DPC that worked last comes back first (connectivity at once); the
        // better-DPC timer then retries anything above it.
        var index = s.Current is { WasWorking: true } ? s.CurrentIndex : 0;
        return StartTest(s, index, now, apply: true);
    }

    private (DpcManagerState, IReadOnlyList<DpcAction>) OnReceived(DpcManagerState s, DevicePortConfig dpc, DateTimeOffset now)
    {
        var existing = s.List.FirstOrDefault(d => d.Key == dpc.Key);
        if (existing != null && existing.SameConfigAs(dpc)) return (s, []);
        var current = s.Current;
        var testing = s.UnderTest;
        var list = DpcOrdering.Insert(s.List, dpc);
        var next = s with
        {
            List = list,
            CurrentIndex = current != null ? list.IndexOf(current) : -1,
            TestingIndex = testing != null ? list.IndexOf(testing) : -1,
        };
        if (next.Phase == DpcPhase.Testing && next.TestingIndex < 0) next = next with { Phase = DpcPhase.Stable };
        var index = list.IndexOf(dpc);
        // It preempts only what it outranks: the DPC under test, else the one in use.
        var bar = next.Phase == DpcPhase.Testing ? next.TestingIndex : next.CurrentIndex < 0 ? int.MaxValue : next.CurrentIndex;
        var better = index < bar;
        if (next.Phase == DpcPhase.Idle || !better)
            return (next, [new DpcAction.Persist()]);
        var (tested, actions) = StartTest(next, index, now, apply: true);
        return (tested, [new DpcAction.Persist(), .. actions]);
    }

    private (DpcManagerState, IReadOnlyList<DpcAction>) OnRemoved(DpcManagerState s, string key, DateTimeOffset now)
    {
        var gone = s.List.FirstOrDefault(d => d.Key == key);
        if (gone == null) return (s, []);
        var current = s.Current;
        var testing = s.UnderTest;
        var list = s.List.Where(d => d.Key != key).ToList();
        var next = s with
        {
            List = list,
            CurrentIndex = current != null && current != gone ? list.IndexOf(current) : -1,
            TestingIndex = testing != null && testing != gone ? list.IndexOf(testing) : -1,
        };
        if (next.Phase == DpcPhase.Testing && next.TestingIndex < 0) next = next with { Phase = DpcPhase.Stable };
        var wasInUse = ReferenceEquals(current, gone) || ReferenceEquals(testing, gone);
        if (!wasInUse || list.Count == 0 || next.Phase == DpcPhase.Idle) return (next, [new DpcAction.Persist()]);
        // What replaced it must be applied: the best remaining one, tested as any new DPC.
        var (tested, actions) = StartTest(next, 0, now, apply: true);
        return (tested, [new DpcAction.Persist(), .. actions]);
    }

    private (DpcManagerState, IReadOnlyList<DpcAction>) OnTestFinished(DpcManagerState s, DpcEvent.TestFinished t, DateTimeOffset now)
    {
        if (s.Phase != DpcPhase.Testing || t.Attempt != s.TestAttempt) return (s, []); // stale answer
        return t.Ok ? Succeeded(s, now) : Failed(s, t.Error ?? "connectivity test failed", now);
    }

    private (DpcManagerState, IReadOnlyList<DpcAction>) OnTick(DpcManagerState s, DateTimeOffset now)
    {
        switch (s.Phase)
        {
            case DpcPhase.Testing when now >= s.TestStarted + Timers.TestDuration + Timers.TestGrace:
                return Failed(s, $"no connectivity within {Timers.TestDuration.TotalSeconds:0.###} s (timer.port.testduration)", now);
            case DpcPhase.Stable when s.CurrentIndex > 0 && now >= s.NextBetterRetry:
                return StartTest(s, 0, now, apply: true);
            case DpcPhase.Stable when now >= s.NextRetest:
                // Nothing works: start again from the top; otherwise retest what is in use as it is.
                return s.CurrentIndex < 0 ? StartTest(s, 0, now, apply: true) : StartTest(s, s.CurrentIndex, now, apply: false);
            default:
                return (s, []);
        }
    }

    private (DpcManagerState, IReadOnlyList<DpcAction>) StartTest(DpcManagerState s, int index, DateTimeOffset now, bool apply)
    {
        var attempt = s.TestAttempt + 1;
        var next = s with { Phase = DpcPhase.Testing, TestingIndex = index, TestAttempt = attempt, TestStarted = now };
        var dpc = s.List[index];
        return (next, apply ? [new DpcAction.Apply(dpc), new DpcAction.Test(dpc, attempt)] : [new DpcAction.Test(dpc, attempt)]);
    }

    private (DpcManagerState, IReadOnlyList<DpcAction>) Succeeded(DpcManagerState s, DateTimeOffset now)
    {
        var list = s.List.ToList();
        list[s.TestingIndex] = list[s.TestingIndex] with { LastSucceeded = now };
        var (pruned, current) = DpcOrdering.Prune(list, s.TestingIndex);
        var next = s with
        {
            List = pruned,
            CurrentIndex = current,
            Phase = DpcPhase.Stable,
            TestingIndex = -1,
            NextRetest = After(now, Timers.TestInterval),
            NextBetterRetry = current > 0 ? After(now, Timers.TestBetterInterval) : DateTimeOffset.MaxValue,
        };
        return (next, [new DpcAction.Persist()]);
    }

    private (DpcManagerState, IReadOnlyList<DpcAction>) Failed(DpcManagerState s, string error, DateTimeOffset now)
    {
        var list = s.List.ToList();
        var failed = s.TestingIndex;
        list[failed] = list[failed] with { LastFailed = now, LastError = error };
        var message = $"{list[failed]}: {error}";
        var next = s with { List = list, LastError = message, CurrentIndex = s.CurrentIndex == failed ? -1 : s.CurrentIndex };
        var fallback = FallbackAfter(list, failed);
        if (fallback >= 0)
        {
            var (tested, actions) = StartTest(next, fallback, now, apply: true);
            return (tested, [new DpcAction.Persist(), .. actions]);
        }
        // Nothing below works either: stay as we are and start again from the top at the next retest.
        next = next with
        {
            Phase = DpcPhase.Stable,
            TestingIndex = -1,
            NextRetest = After(now, Timers.TestInterval),
            NextBetterRetry = DateTimeOffset.MaxValue,
        };
        return (next, [new DpcAction.Persist()]);
    }

    /// <summary>The DPC to try after <paramref name="failed"/>: the first lower one that worked last
    /// time, else the next lower one; -1 at the end of the list.</summary>
    private static int FallbackAfter(IReadOnlyList<DevicePortConfig> list, int failed)
    {
        for (var j = failed + 1; j < list.Count; j++)
            if (list[j].WasWorking) return j;
        return failed + 1 < list.Count ? failed + 1 : -1;
    }
}
