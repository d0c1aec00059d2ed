using Eve.Appliance.Agent.Reconcile;
using Eve.Appliance.Platform.Net;

namespace Eve.Appliance.Agent.Networks.Items;

internal sealed class BridgePortConfigurator(IIpLinkClient ip, string? netns) : Configurator<BridgePortItem>(NetworkItemTypes.BridgePort)
{
    public override async Task CreateAsync(BridgePortItem item, OpContext op, CancellationToken ct)
    {
        var link = await ip.GetLinkAsync(item.IfName, netns, ct).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"attach port {item.IfName} to {item.Bridge}: no such interface on the device");
        if (link.Master != item.Bridge) await ip.SetMasterAsync(item.IfName, item.Bridge, netns, ct).ConfigureAwait(false);
        if (!link.IsUp) await ip.SetUpAsync(item.IfName, true, netns, ct).ConfigureAwait(false);
    }

    public override Task ModifyAsync(BridgePortItem current, BridgePortItem intended, OpContext op, CancellationToken ct) =>
        CreateAsync(intended, op, ct);

    public override async Task DeleteAsync(BridgePortItem item, OpContext op, CancellationToken ct)
    {
        var link = await ip.GetLinkAsync(item.IfName, netns, ct).ConfigureAwait(false);
        if (link?.Master == item.Bridge) await ip.SetMasterAsync(item.IfName, null, netns, ct).ConfigureAwait(false);
    }

    public override bool NeedsRecreate(BridgePortItem current, BridgePortItem intended) => false;
}
