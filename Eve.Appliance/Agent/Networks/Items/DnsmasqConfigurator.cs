using Eve.Appliance.Agent.Reconcile;
using Eve.Appliance.Platform.Net;

namespace Eve.Appliance.Agent.Networks.Items;

/// <summary>Runs the instance's dnsmasq through the supervisor: create adopts a process already running
/// with the same config, modify restarts it with the new one.</summary>
internal sealed class DnsmasqConfigurator(IDnsmasqSupervisor supervisor, string? netns) : Configurator<DnsmasqItem>(NetworkItemTypes.Dnsmasq)
{
    public override Task CreateAsync(DnsmasqItem item, OpContext op, CancellationToken ct) =>
        supervisor.EnsureRunningAsync(item.Config, netns, ct);

    public override Task ModifyAsync(DnsmasqItem current, DnsmasqItem intended, OpContext op, CancellationToken ct) =>
        supervisor.EnsureRunningAsync(intended.Config, netns, ct);

    public override Task DeleteAsync(DnsmasqItem item, OpContext op, CancellationToken ct) =>
        supervisor.StopAsync(item.Config.Instance, ct);

    public override bool NeedsRecreate(DnsmasqItem current, DnsmasqItem intended) => false;
}
