using Eve.Appliance.Agent.Networks.Items;
using Eve.Appliance.Agent.Reconcile;
using Eve.Appliance.Platform.Net;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Agent.Networks;

/// <summary>Looks at what the apps really do on their NICs: whether each tap is on its bridge (created and
/// not failing in the current graph), the address each app took — the instance's dnsmasq lease for its MAC
/// on a local instance, the switch table's learnt (IP, MAC) pairs on a switch instance. Learnt addresses
/// are remembered per MAC, so a table rewrite (which empties its set) does not make an app's address vanish
/// from info until the app speaks again.</summary>
internal sealed class AppNicObserver(IDnsmasqSupervisor dnsmasq, INftClient nft, string? netns, TimeProvider? time = null)
{
    private readonly Dictionary<string, string> _learnt = new(StringComparer.OrdinalIgnoreCase);

    public async Task<IReadOnlyList<AppNicState>> ObserveAsync(NetworksStatus status, NetworksArgs args, Graph current, CancellationToken ct)
    {
        var adapters = args.AppInterfaces.ToDictionary(a => (a.AppUuid.ToLowerInvariant(), a.Index), a => a.Adapter.Name);
        var nics = new List<AppNicState>();
        foreach (var ni in status.Instances)
        {
            if (ni.Apps.Count == 0) continue;
            var ipByMac = ni.Kind == ZNetworkInstType.ZnetInstLocal ? LeasesOf(ni) : await LearntOnAsync(ni, ct).ConfigureAwait(false);
            foreach (var app in ni.Apps)
            {
                if (!Guid.TryParse(app.AppUuid, out var id)) continue;
                var vif = new ItemRef(NetworkItemTypes.AppVif, app.Vif);
                var ready = current.Get(vif) is AppVifItem on && on.Bridge == ni.Bridge
                            && current.StateOf(vif)?.State == ItemStateKind.Created && !status.Failing.ContainsKey(vif);
                nics.Add(new AppNicState(id, app.Index, adapters.GetValueOrDefault((app.AppUuid.ToLowerInvariant(), app.Index), ""),
                    ni.Uuid, ni.Kind, app.Vif, app.Mac, ready, ni.Gateway, ipByMac.GetValueOrDefault(app.Mac)));
            }
        }
        var macs = nics.Select(n => n.Mac).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var gone in _learnt.Keys.Where(m => !macs.Contains(m)).ToList()) _learnt.Remove(gone);
        return nics;
    }

    private Dictionary<string, string> LeasesOf(NetworkInstanceStatus ni)
    {
        var now = (time ?? TimeProvider.System).GetUtcNow();
        return dnsmasq.ReadLeases(NetworkNames.Dnsmasq(ni.Uuid))
            .Where(l => l.Expires > now || l.Expires == DateTimeOffset.UnixEpoch) // 0 = infinite lease
            .GroupBy(l => l.Mac, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Last().Ip, StringComparer.OrdinalIgnoreCase);
    }

    private async Task<Dictionary<string, string>> LearntOnAsync(NetworkInstanceStatus ni, CancellationToken ct)
    {
        // Null while the table is absent or being replaced: keep what was learnt.
        var json = await nft.GetTableJsonAsync(SwitchLearning.Family, NetworkNames.NftTable(ni.Uuid), netns, ct).ConfigureAwait(false);
        foreach (var (ip, mac) in SwitchLearning.ParseLearned(json)) _learnt[mac] = ip;
        return new Dictionary<string, string>(_learnt, StringComparer.OrdinalIgnoreCase);
    }
}
