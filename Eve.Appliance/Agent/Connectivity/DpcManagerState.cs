namespace Eve.Appliance.Agent.Connectivity;

internal enum DpcPhase
{
    /// <summary>Nothing applied yet (no DPC, or before <see cref="DpcEvent.Start"/>).</summary>
    Idle,

    /// <summary>A DPC is applied and its connectivity test runs.</summary>
    Testing,

    /// <summary>Tests are done: <see cref="DpcManagerState.CurrentIndex"/> works, or is -1 when none did.</summary>
    Stable,
}

/// <summary>The DPC manager's whole state: the ordered list, which entry works, what is under test,
/// when the next retest and "better" retry are due, and the last test error in words.</summary>
internal sealed record DpcManagerState(
    IReadOnlyList<DevicePortConfig> List,
    int CurrentIndex,
    DpcPhase Phase,
    int TestingIndex,
    int TestAttempt,
    DateTimeOffset TestStarted,
    DateTimeOffset NextRetest,
    DateTimeOffset NextBetterRetry,
    string? LastError)
{
    public static DpcManagerState Initial(IReadOnlyList<DevicePortConfig> list, int currentIndex) =>
        new(DpcOrdering.Sort(list), currentIndex < list.Count ? currentIndex : -1, DpcPhase.Idle, -1, 0,
            DateTimeOffset.MinValue, DateTimeOffset.MaxValue, DateTimeOffset.MaxValue, null);

    public DevicePortConfig? Current => CurrentIndex >= 0 && CurrentIndex < List.Count ? List[CurrentIndex] : null;

    public DevicePortConfig? UnderTest => Phase == DpcPhase.Testing ? List[TestingIndex] : null;
}
