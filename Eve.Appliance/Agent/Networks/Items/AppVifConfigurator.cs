using Eve.Appliance.Agent.Reconcile;
using Eve.Appliance.Platform.Net;

namespace Eve.Appliance.Agent.Networks.Items;

/// <summary>Creates the tap or veth of an app NIC, sets the app-side MAC (veth) and enslaves the device side
/// to the bridge. Moving to another bridge or changing MTU happens in place; kind, MAC and peer are fixed.</summary>
internal sealed class AppVifConfigurator(IIpLinkClient ip, string? netns) : Configurator<AppVifItem>(NetworkItemTypes.AppVif)
{
    public override async Task CreateAsync(AppVifItem item, OpContext op, CancellationToken ct)
    {
        var link = await ip.GetLinkAsync(item.IfName, netns, ct).ConfigureAwait(false);
        if (link == null)
        {
            if (item.Kind == AppVifKind.Tap)
                await ip.AddTapAsync(item.IfName, netns, ct).ConfigureAwait(false);
            else
            {
                await ip.AddVethAsync(item.IfName, item.PeerIfName, netns, item.PeerNetns, ct).ConfigureAwait(false);
                var peerNs = item.PeerNetns ?? netns;
                await ip.SetMacAsync(item.PeerIfName, item.Mac, peerNs, ct).ConfigureAwait(false);
                if (item.Mtu > 0) await ip.SetMtuAsync(item.PeerIfName, item.Mtu, peerNs, ct).ConfigureAwait(false);
                await ip.SetUpAsync(item.PeerIfName, true, peerNs, ct).ConfigureAwait(false);
            }
        }
        await AttachAsync(item, link, ct).ConfigureAwait(false);
    }

    public override async Task ModifyAsync(AppVifItem current, AppVifItem intended, OpContext op, CancellationToken ct)
    {
        var link = await ip.GetLinkAsync(intended.IfName, netns, ct).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"modify app interface {intended.IfName}: it disappeared; it will be recreated");
        await AttachAsync(intended, link, ct).ConfigureAwait(false);
    }

    public override async Task DeleteAsync(AppVifItem item, OpContext op, CancellationToken ct) =>
        await ip.DeleteLinkAsync(item.IfName, netns, ct).ConfigureAwait(false); // a veth takes its peer with it

    public override bool NeedsRecreate(AppVifItem current, AppVifItem intended) =>
        current.Kind != intended.Kind || current.Mac != intended.Mac || current.PeerNetns != intended.PeerNetns ||
        current.PeerIfName != intended.PeerIfName;

    private async Task AttachAsync(AppVifItem item, LinkInfo? link, CancellationToken ct)
    {
        if (item.Mtu > 0 && link?.Mtu != item.Mtu) await ip.SetMtuAsync(item.IfName, item.Mtu, netns, ct).ConfigureAwait(false);
        if (link?.Master != item.Bridge) await ip.SetMasterAsync(item.IfName, item.Bridge, netns, ct).ConfigureAwait(false);
        if (link?.IsUp != true) await ip.SetUpAsync(item.IfName, true, netns, ct).ConfigureAwait(false);
    }
}
