using Eve.Appliance.Agent.Networks.Items;
using Eve.Appliance.Agent.Reconcile;
using Eve.Appliance.Platform.Net;

namespace Eve.Appliance.Agent.Networks;

/// <summary>Reads what our earlier runs left on the system (names carry our prefixes) into a current graph,
/// so that a restarted appliance adopts it instead of recreating it, and deletes what is no longer
/// intended. An observed object that matches its intended item is recorded as that item; anything else
/// is recorded as observed, which makes the engine modify or delete it.</summary>
internal sealed class NetworksCurrentState(IIpLinkClient ip, INftClient nft, IDnsmasqSupervisor dnsmasq, ISysctlClient sysctl, string? netns)
{
    public async Task<Graph> ReadAsync(Graph intended, CancellationToken ct)
    {
        var current = new Graph("networks-current");
        var created = ItemState.Created(Operation.None);
        var links = await ip.ListLinksAsync(netns, ct).ConfigureAwait(false);
        var ourBridges = links.Where(l => l.Kind == "bridge" && l.Name.StartsWith(NetworkNames.BridgePrefix, StringComparison.Ordinal))
            .Select(l => l.Name).ToHashSet();
        foreach (var link in links)
        {
            if (ourBridges.Contains(link.Name))
            {
                var address = link.Addresses.FirstOrDefault(a => a.Contains('.'));
                var seen = new BridgeItem(link.Name, "", address, link.Mtu);
                current.Put(intended.Get(seen.Ref) is BridgeItem want && want.Address == address && link.IsUp &&
                    (want.Mtu == 0 || want.Mtu == link.Mtu) ? want : seen, created);
            }
            else if (link.Name.StartsWith(NetworkNames.VifPrefix, StringComparison.Ordinal) && link.Kind is "tun" or "veth")
            {
                var kind = link.Kind == "tun" ? AppVifKind.Tap : AppVifKind.Veth;
                var seen = new AppVifItem(link.Name, link.Master ?? "", "", link.Mac, kind, null, "", link.Mtu);
                current.Put(intended.Get(seen.Ref) is AppVifItem want && want.Bridge == link.Master && want.Kind == kind &&
                    link.IsUp && (want.Mtu == 0 || want.Mtu == link.Mtu) ? want : seen, created);
            }
            else if (link.Master != null && ourBridges.Contains(link.Master))
            {
                var seen = new BridgePortItem(link.Name, link.Master);
                current.Put(intended.Get(seen.Ref) is BridgePortItem want && want == seen ? want : seen, created);
            }
        }

        foreach (var (family, name) in await nft.ListTablesAsync(netns, ct).ConfigureAwait(false))
        {
            if (family is not (NftRuleset.Family or SwitchLearning.Family) || !name.StartsWith(NetworkNames.TablePrefix, StringComparison.Ordinal)) continue;
            var comment = await nft.GetTableCommentAsync(family, name, netns, ct).ConfigureAwait(false);
            var bridge = NetworkNames.BridgePrefix + name[NetworkNames.TablePrefix.Length..];
            var seen = new NftTableItem(family, name, bridge, "", comment ?? "");
            current.Put(intended.Get(seen.Ref) is NftTableItem want && comment == $"eve:{want.Hash}" ? want : seen, created);
        }

        foreach (var instance in dnsmasq.ListInstances().Where(i => i.StartsWith(NetworkNames.DnsmasqPrefix, StringComparison.Ordinal)))
        {
            var running = dnsmasq.Find(instance);
            var bridge = NetworkNames.BridgePrefix + instance[NetworkNames.DnsmasqPrefix.Length..];
            var seen = new DnsmasqItem(bridge, "", new DnsmasqConfig(instance, bridge, "", "", "", "", TimeSpan.Zero, null, [], [], null, [], [], []));
            var want = intended.Get(seen.Ref) as DnsmasqItem;
            if (running != null && want != null && running.ConfigHash == dnsmasq.HashOf(want.Config)) current.Put(want, created);
            else if (running != null || want == null) current.Put(seen, created); // stale files of a stopped one are removed too
        }

        foreach (var want in intended.Items.OfType<SysctlItem>())
            if (await sysctl.GetAsync(want.Key, netns, ct).ConfigureAwait(false) == want.Value) current.Put(want, created);
        return current;
    }
}
