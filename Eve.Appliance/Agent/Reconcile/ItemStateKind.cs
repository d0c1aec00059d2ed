namespace Eve.Appliance.Agent.Reconcile;

/// <summary>Where an item stands in the current graph (EVE's ItemState, plus Pending for an item
/// that is intended but waits for a dependency).</summary>
internal enum ItemStateKind
{
    Unknown = 0,
    Created,
    Pending,
    Failure,
    Creating,
    Modifying,
    Deleting,
}
