namespace Eve.Appliance.Agent.Reconcile;

/// <summary>Outcome of one pass. The caller keeps <see cref="NewCurrent"/> for the next pass; failing and
/// pending items are data for info messages; <see cref="AsyncInProgress"/> says to wait for a post on the
/// async channel and reconcile again.</summary>
internal sealed record ReconcileStatus(
    IReadOnlyList<OpLogEntry> Log,
    IReadOnlyDictionary<ItemRef, string> Failing,
    IReadOnlyDictionary<ItemRef, string> Pending,
    bool AsyncInProgress,
    Graph NewCurrent)
{
    public bool Converged => Failing.Count == 0 && Pending.Count == 0 && !AsyncInProgress;
}
