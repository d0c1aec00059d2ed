namespace Eve.Appliance.Agent.Reconcile;

/// <summary>An item needs <paramref name="Required"/> to exist (state Created) and, when given,
/// to satisfy <paramref name="MustSatisfy"/> — e.g. dnsmasq needs the bridge <i>with its gateway address</i>.
/// <paramref name="Why"/> is shown while the item waits. With <paramref name="RecreateWhenModified"/> a
/// modification of the required item recreates this one (a tap enslaved to a bridge whose name changed).</summary>
internal sealed record Dependency(
    ItemRef Required,
    string Why,
    Func<Item, bool>? MustSatisfy = null,
    bool RecreateWhenModified = false)
{
    public bool IsSatisfiedBy(Item item) => MustSatisfy == null || MustSatisfy(item);
}
