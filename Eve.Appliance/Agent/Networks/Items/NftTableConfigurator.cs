using Eve.Appliance.Agent.Reconcile;
using Eve.Appliance.Platform.Net;

namespace Eve.Appliance.Agent.Networks.Items;

/// <summary>Applies an instance's table atomically. Create and modify are the same replace, so rules never
/// have a gap; existing connections keep their conntrack entries.</summary>
internal sealed class NftTableConfigurator(INftClient nft, string? netns) : Configurator<NftTableItem>(NetworkItemTypes.NftTable)
{
    public override Task CreateAsync(NftTableItem item, OpContext op, CancellationToken ct) =>
        nft.ApplyTableAsync(item.Family, item.Name, item.Text, netns, ct);

    public override Task ModifyAsync(NftTableItem current, NftTableItem intended, OpContext op, CancellationToken ct) =>
        nft.ApplyTableAsync(intended.Family, intended.Name, intended.Text, netns, ct);

    public override Task DeleteAsync(NftTableItem item, OpContext op, CancellationToken ct) =>
        nft.DeleteTableAsync(item.Family, item.Name, netns, ct);

    public override bool NeedsRecreate(NftTableItem current, NftTableItem intended) => current.Family != intended.Family;
}
