using Eve.Appliance.Agent.Reconcile;

namespace Eve.Appliance.Agent.Networks.Items;

/// <summary>A device port enslaved to a switch instance's bridge. The port itself is not ours: deleting
/// this item only frees it from the bridge.</summary>
internal sealed record BridgePortItem(string IfName, string Bridge) : Item
{
    public override ItemRef Ref => new(NetworkItemTypes.BridgePort, IfName);

    public override IEnumerable<Dependency> Dependencies =>
        [new Dependency(BridgeItem.RefOf(Bridge), "the port joins the switch instance's bridge")];

    public override string Describe() => $"port {IfName} in {Bridge}";
}
