using Eve.Appliance.Agent.Reconcile;
using Eve.Appliance.Platform.Net;

namespace Eve.Appliance.Agent.Networks.Items;

internal sealed class SysctlConfigurator(ISysctlClient sysctl, string? netns) : Configurator<SysctlItem>(NetworkItemTypes.Sysctl)
{
    public override Task CreateAsync(SysctlItem item, OpContext op, CancellationToken ct) =>
        sysctl.SetAsync(item.Key, item.Value, netns, ct);

    public override Task ModifyAsync(SysctlItem current, SysctlItem intended, OpContext op, CancellationToken ct) =>
        sysctl.SetAsync(intended.Key, intended.Value, netns, ct);

    public override Task DeleteAsync(SysctlItem item, OpContext op, CancellationToken ct) =>
        sysctl.SetAsync(item.Key, item.Default, netns, ct);

    public override bool NeedsRecreate(SysctlItem current, SysctlItem intended) => false;
}
