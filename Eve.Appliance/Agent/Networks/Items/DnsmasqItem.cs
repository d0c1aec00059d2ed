using Eve.Appliance.Agent.Reconcile;
using Eve.Appliance.Platform.Net;

namespace Eve.Appliance.Agent.Networks.Items;

/// <summary>The DHCP/DNS server of a local network instance. It binds the gateway address, so it needs
/// the bridge <i>with</i> that address.</summary>
internal sealed record DnsmasqItem(string Bridge, string GatewayCidr, DnsmasqConfig Config) : Item
{
    public override ItemRef Ref => new(NetworkItemTypes.Dnsmasq, Config.Instance);

    public override IEnumerable<Dependency> Dependencies =>
    [
        new Dependency(BridgeItem.RefOf(Bridge), $"dnsmasq listens on the bridge's gateway address {GatewayCidr}",
            MustSatisfy: b => ((BridgeItem)b).Address == GatewayCidr),
    ];

    public override string Describe() =>
        $"dnsmasq {Config.Instance} on {Bridge}: range {Config.RangeStart}-{Config.RangeEnd}, {Config.StaticLeases.Count} static leases";
}
