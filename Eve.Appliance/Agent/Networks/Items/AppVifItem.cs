using Eve.Appliance.Agent.Reconcile;

namespace Eve.Appliance.Agent.Networks.Items;

/// <summary>An app NIC's device-side interface on its instance's bridge: a tap for a VM, or a veth whose
/// peer lives in the app's namespace with the app's MAC.</summary>
internal sealed record AppVifItem(
    string IfName,
    string Bridge,
    string AppUuid,
    string Mac,
    AppVifKind Kind,
    string? PeerNetns,
    string PeerIfName,
    int Mtu) : Item
{
    public override ItemRef Ref => new(NetworkItemTypes.AppVif, IfName);

    public override IEnumerable<Dependency> Dependencies =>
        [new Dependency(BridgeItem.RefOf(Bridge), "an app interface is enslaved to its network instance's bridge")];

    public override string Describe() => $"{Kind.ToString().ToLowerInvariant()} {IfName} of app {AppUuid} on {Bridge} ({Mac})";
}
