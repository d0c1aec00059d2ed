using Eve.Appliance.Agent.Reconcile;

namespace Eve.Appliance.Agent.Networks;

/// <summary>Outcome of <see cref="NetworksReconciler.ReconcileAsync"/>.</summary>
internal sealed record NetworksStatus(
    IReadOnlyList<NetworkInstanceStatus> Instances,
    IReadOnlyList<OpLogEntry> Log,
    IReadOnlyDictionary<ItemRef, string> Failing,
    IReadOnlyDictionary<ItemRef, string> Pending,
    bool AsyncInProgress)
{
    public NetworkInstanceStatus Instance(string uuid) =>
        Instances.FirstOrDefault(i => string.Equals(i.Uuid, uuid, StringComparison.OrdinalIgnoreCase))
        ?? throw new KeyNotFoundException($"no status for network instance {uuid}");
}
