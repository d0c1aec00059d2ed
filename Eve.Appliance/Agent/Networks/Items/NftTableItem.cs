using Eve.Appliance.Agent.Reconcile;

namespace Eve.Appliance.Agent.Networks.Items;

/// <summary>The whole nftables table of one network instance (NAT, port maps, ACLs). <see cref="Hash"/>
/// is also written into the table's comment, which is how a restarted appliance recognises it.</summary>
internal sealed record NftTableItem(string Family, string Name, string Bridge, string Text, string Hash) : Item
{
    public override ItemRef Ref => new(NetworkItemTypes.NftTable, Name);

    public override IEnumerable<Dependency> Dependencies =>
        [new Dependency(BridgeItem.RefOf(Bridge), "the rules match on the instance's bridge")];

    public override string Describe() => $"nft table {Family} {Name} ({Hash})";
}
