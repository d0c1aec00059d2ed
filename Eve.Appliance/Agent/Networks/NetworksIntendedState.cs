using System.Net;
using System.Security.Cryptography;
using System.Text;
using Eve.Appliance.Agent.Networks.Items;
using Eve.Appliance.Agent.Reconcile;
using Eve.Appliance.Platform.Net;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Agent.Networks;

/// <summary>Pure: network instance configs, app NICs and device ports → the intended item graph, plus what
/// was decided per instance (addresses, uplink, problems). Same input, same graph.</summary>
internal static class NetworksIntendedState
{
    private static readonly string[] SharedUplinkLabels = ["uplink", "freeuplink", "all"];

    public static (Graph Graph, IReadOnlyList<InstancePlan> Plans) Build(NetworksArgs args)
    {
        var graph = new Graph("networks-intended");
        var plans = new List<InstancePlan>();
        foreach (var ni in args.Instances.OrderBy(n => n.Uuidandversion?.Uuid, StringComparer.Ordinal))
        {
            var plan = ni.InstType switch
            {
                _ when !ni.Activate => Skipped(ni, "not activated"),
                ZNetworkInstType.ZnetInstLocal => Local(ni, args, graph),
                ZNetworkInstType.ZnetInstSwitch => Switch(ni, args, graph),
                _ => Skipped(ni, $"kind {ni.InstType} is not supported (local and switch are)"),
            };
            plans.Add(plan);
        }
        if (plans.Any(p => p.Kind == ZNetworkInstType.ZnetInstLocal && p.Uplink != null))
            graph.Put(new SysctlItem("net.ipv4.ip_forward", "1", "0"));
        // Flow logs report bytes and packets per connection, which conntrack counts only when asked to.
        var logging = args.Instances.Where(n => !n.DisableFlowlog).Select(n => n.Uuidandversion?.Uuid).ToHashSet();
        if (plans.Any(p => p.Kind == ZNetworkInstType.ZnetInstLocal && p.Bridge.Length > 0 && logging.Contains(p.Uuid)))
            graph.Put(new SysctlItem("net.netfilter.nf_conntrack_acct", "1", "0"));
        return (graph, plans);
    }

    private static InstancePlan Skipped(NetworkInstanceConfig ni, string why) =>
        new(ni.Uuidandversion?.Uuid ?? "", ni.Displayname, ni.InstType, "", null, null, null, [], [$"network instance {Label(ni)}: {why}"]);

    private static InstancePlan Local(NetworkInstanceConfig ni, NetworksArgs args, Graph graph)
    {
        var uuid = ni.Uuidandversion.Uuid;
        var problems = new List<string>();
        var spec = ni.Ip ?? new Org.Lfedge.Eve.Common.ipspec();
        if (!IPNetwork.TryParse(spec.Subnet, out var subnet) || subnet.BaseAddress.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork ||
            subnet.PrefixLength is < 8 or > 30)
            return Skipped(ni, $"subnet '{spec.Subnet}' is not an IPv4 prefix between /8 and /30; set ip.subnet");
        var first = Ipv4.ToUInt(subnet.BaseAddress);
        var last = first + (uint)((1L << (32 - subnet.PrefixLength)) - 1);
        uint gateway = first + 1;
        if (spec.Gateway.Length > 0 && (!Ipv4.TryParse(spec.Gateway, out gateway) || gateway <= first || gateway >= last))
            return Skipped(ni, $"gateway '{spec.Gateway}' is not a host address in {subnet}");
        uint start = first + 2, end = last - 1;
        if (spec.DhcpRange is { Start.Length: > 0, End.Length: > 0 } range &&
            (!Ipv4.TryParse(range.Start, out start) || !Ipv4.TryParse(range.End, out end) || start <= first || end >= last || start > end))
            return Skipped(ni, $"dhcpRange {range.Start}-{range.End} is not a range of host addresses in {subnet}");

        var uplink = ResolveUplink(ni, args.Ports, problems);
        var bridge = NetworkNames.Bridge(uuid);
        var gatewayCidr = $"{Ipv4.FromUInt(gateway)}/{subnet.PrefixLength}";
        var apps = PlaceApps(ni, args, problems, (start, end, gateway, first, last));
        var mtu = (int)ni.Mtu;
        graph.Put(new BridgeItem(bridge, uuid, gatewayCidr, mtu));
        foreach (var (app, nic) in apps) graph.Put(Vif(nic, app, bridge, mtu));

        var table = NetworkNames.NftTable(uuid);
        var ruleset = NftRuleset.Build(table, bridge, subnet.ToString(), uplink?.IfName, [.. apps.Select(a => a.App)], Ipv4.FromUInt(gateway).ToString());
        problems.AddRange(ruleset.Problems);
        graph.Put(new NftTableItem(NftRuleset.Family, table, bridge, ruleset.Text, ruleset.Hash));

        var gw = Ipv4.FromUInt(gateway).ToString();
        var hosts = apps.Select(a => a.App).GroupBy(a => a.HostName).Select(g => new DnsHostRecord(g.Key, g.First().Ip!))
            .Concat(ni.Dns.Where(d => d.Address.Count > 0).Select(d => new DnsHostRecord(d.HostName, d.Address[0])));
        graph.Put(new DnsmasqItem(bridge, gatewayCidr, new DnsmasqConfig(
            NetworkNames.Dnsmasq(uuid), bridge, gw,
            Ipv4.FromUInt(start).ToString(), Ipv4.FromUInt(end).ToString(), Ipv4.Netmask(subnet.PrefixLength),
            TimeSpan.FromHours(1),
            Router: uplink != null ? gw : null,
            DnsServers: [gw],
            UpstreamServers: uplink?.Dns ?? [],
            Domain: spec.Domain.Length > 0 ? spec.Domain : null,
            StaticLeases: [.. apps.Select(a => new DhcpHost(a.App.Mac, a.App.Ip!, a.App.HostName))],
            Hosts: [.. hosts],
            NftSets: [.. ruleset.HostSets.Select(s => new NftSetRule(s.Domain, table, s.Set))],
            MetadataGateway: gw)));
        return new InstancePlan(uuid, ni.Displayname, ni.InstType, bridge, subnet.ToString(), gw, uplink?.IfName,
            [.. apps.Select(a => a.App)], problems);
    }

    private static InstancePlan Switch(NetworkInstanceConfig ni, NetworksArgs args, Graph graph)
    {
        var uuid = ni.Uuidandversion.Uuid;
        var problems = new List<string>();
        var bridge = NetworkNames.Bridge(uuid);
        var mtu = (int)ni.Mtu;
        graph.Put(new BridgeItem(bridge, uuid, null, mtu));
        var port = ResolveUplink(ni, args.Ports, problems);
        if (port != null) graph.Put(new BridgePortItem(port.IfName, bridge));
        var apps = PlaceApps(ni, args, problems, null);
        foreach (var (app, nic) in apps) graph.Put(Vif(nic, app, bridge, mtu));
        if (apps.Count > 0)
        {
            var table = NetworkNames.NftTable(uuid);
            var (text, hash) = SwitchLearning.Build(table, [.. apps.Select(a => a.App.Vif)]);
            graph.Put(new NftTableItem(SwitchLearning.Family, table, bridge, text, hash));
        }
        return new InstancePlan(uuid, ni.Displayname, ni.InstType, bridge, null, null, port?.IfName, [.. apps.Select(a => a.App)], problems);
    }

    private static AppVifItem Vif(AppNetworkInterface nic, AppAddress app, string bridge, int mtu) =>
        new(app.Vif, bridge, nic.AppUuid, app.Mac, nic.Kind, nic.PeerNetns, nic.PeerIfName, mtu);

    private static DevicePort? ResolveUplink(NetworkInstanceConfig ni, IReadOnlyList<DevicePort> ports, List<string> problems)
    {
        var label = ni.Port?.Name ?? "";
        if (label.Length == 0) return null; // local-only (or air-gapped switch)
        var exact = ports.FirstOrDefault(p => p.Label == label);
        if (exact != null) return exact;
        if (SharedUplinkLabels.Contains(label.ToLowerInvariant()))
        {
            var best = ports.OrderBy(p => p.Cost).ThenBy(p => p.Label, StringComparer.Ordinal).FirstOrDefault();
            if (best != null) return best;
        }
        problems.Add($"network instance {Label(ni)}: port '{label}' matches no device port " +
            $"({(ports.Count == 0 ? "there are none" : string.Join(", ", ports.Select(p => p.Label)))}); it runs without uplink until one appears");
        return null;
    }

    private static List<(AppAddress App, AppNetworkInterface Nic)> PlaceApps(NetworkInstanceConfig ni, NetworksArgs args,
        List<string> problems, (uint Start, uint End, uint Gateway, uint First, uint Last)? pool)
    {
        var uuid = ni.Uuidandversion.Uuid;
        var nics = args.AppInterfaces.Where(a => string.Equals(a.Adapter.NetworkId, uuid, StringComparison.OrdinalIgnoreCase))
            .OrderBy(a => a.AppUuid, StringComparer.Ordinal).ThenBy(a => a.Index).ToList();
        var taken = new HashSet<uint>();
        var fixedIps = new Dictionary<AppNetworkInterface, uint>();
        if (pool is { } p)
        {
            taken.Add(p.Gateway);
            foreach (var nic in nics.Where(n => n.Adapter.Addr.Length > 0))
            {
                if (Ipv4.TryParse(nic.Adapter.Addr, out var want) && want > p.First && want < p.Last && taken.Add(want))
                    fixedIps[nic] = want;
                else
                    problems.Add($"app {nic.AppName} interface {nic.Index}: address '{nic.Adapter.Addr}' is not free in the instance's subnet; another one is assigned");
            }
        }
        var placed = new List<(AppAddress, AppNetworkInterface)>();
        foreach (var nic in nics)
        {
            string? ip = null;
            if (pool is { } q)
            {
                if (!fixedIps.TryGetValue(nic, out var addr) && !TryAllocate(nic, q.Start, q.End, taken, out addr))
                {
                    problems.Add($"app {nic.AppName} interface {nic.Index}: no free address left in {Ipv4.FromUInt(q.Start)}-{Ipv4.FromUInt(q.End)}");
                    continue;
                }
                ip = Ipv4.FromUInt(addr).ToString();
            }
            var mac = nic.Adapter.MacAddress.Length > 0 ? nic.Adapter.MacAddress.ToLowerInvariant() : NetworkNames.GeneratedMac(nic.AppUuid, nic.Index);
            var host = DnsLabel(nic.Adapter.Hostname.Length > 0 ? nic.Adapter.Hostname : nic.AppName);
            placed.Add((new AppAddress(nic.AppUuid, nic.AppName, nic.Index, NetworkNames.Vif(nic.AppUuid, nic.Index), mac, ip, host,
                [.. nic.Adapter.Acls]), nic));
        }
        return placed;
    }

    /// <summary>Starts at a point derived from the app's identity so that adding or removing another app
    /// rarely moves this one; probes upwards for a free address.</summary>
    private static bool TryAllocate(AppNetworkInterface nic, uint start, uint end, HashSet<uint> taken, out uint addr)
    {
        var size = end - start + 1;
        var seed = BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes($"{nic.AppUuid}/{nic.Index}")));
        for (uint i = 0; i < size; i++)
        {
            addr = start + (seed + i) % size;
            if (taken.Add(addr)) return true;
        }
        addr = 0;
        return false;
    }

    private static string DnsLabel(string name)
    {
        var sb = new StringBuilder();
        foreach (var c in name.ToLowerInvariant())
            sb.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        var label = sb.ToString().Trim('-');
        return label.Length == 0 ? "app" : label.Length > 63 ? label[..63] : label;
    }

    private static string Label(NetworkInstanceConfig ni) =>
        ni.Displayname.Length > 0 ? $"'{ni.Displayname}' ({ni.Uuidandversion?.Uuid})" : ni.Uuidandversion?.Uuid ?? "(no uuid)";
}
