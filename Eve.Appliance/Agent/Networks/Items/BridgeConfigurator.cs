using Eve.Appliance.Agent.Reconcile;
using Eve.Appliance.Platform.Net;

namespace Eve.Appliance.Agent.Networks.Items;

/// <summary>Creates the bridge (adopting one of that name that is already a bridge), its address, MTU and
/// link state. Address and MTU change in place; only the name is immutable.</summary>
internal sealed class BridgeConfigurator(IIpLinkClient ip, string? netns) : Configurator<BridgeItem>(NetworkItemTypes.Bridge)
{
    public override async Task CreateAsync(BridgeItem item, OpContext op, CancellationToken ct)
    {
        var link = await ip.GetLinkAsync(item.IfName, netns, ct).ConfigureAwait(false);
        if (link != null && link.Kind != "bridge")
            throw new InvalidOperationException(
                $"create bridge {item.IfName} for network {item.NetworkUuid}: an interface of kind '{link.Kind}' owns the name; delete it or rename the network");
        if (link == null) await ip.AddBridgeAsync(item.IfName, netns, ct).ConfigureAwait(false);
        await ApplyAsync(item, link, ct).ConfigureAwait(false);
    }

    public override async Task ModifyAsync(BridgeItem current, BridgeItem intended, OpContext op, CancellationToken ct)
    {
        var link = await ip.GetLinkAsync(intended.IfName, netns, ct).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"modify bridge {intended.IfName}: it disappeared from the system; it will be recreated");
        await ApplyAsync(intended, link, ct).ConfigureAwait(false);
    }

    public override async Task DeleteAsync(BridgeItem item, OpContext op, CancellationToken ct) =>
        await ip.DeleteLinkAsync(item.IfName, netns, ct).ConfigureAwait(false);

    public override bool NeedsRecreate(BridgeItem current, BridgeItem intended) => current.IfName != intended.IfName;

    private async Task ApplyAsync(BridgeItem item, LinkInfo? link, CancellationToken ct)
    {
        if (item.Mtu > 0 && link?.Mtu != item.Mtu) await ip.SetMtuAsync(item.IfName, item.Mtu, netns, ct).ConfigureAwait(false);
        var existing = link?.Addresses.Where(a => !a.StartsWith("fe80:", StringComparison.Ordinal)).ToList() ?? [];
        foreach (var stale in existing.Where(a => a != item.Address))
            await ip.DeleteAddressAsync(item.IfName, stale, netns, ct).ConfigureAwait(false);
        if (item.Address != null && !existing.Contains(item.Address))
            await ip.AddAddressAsync(item.IfName, item.Address, netns, ct).ConfigureAwait(false);
        if (link?.IsUp != true) await ip.SetUpAsync(item.IfName, true, netns, ct).ConfigureAwait(false);
    }
}
