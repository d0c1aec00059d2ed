using Org.Lfedge.Eve.Profile;

namespace Eve.Appliance.Agent.Connectivity;

/// <summary>EVE's rules for the local operator's network config (LPS <c>LocalNetworkConfig</c>, PROFILE.md
/// "Network"): for each port it names — by logical label — whose controller config allows local
/// modifications, the locally-manageable fields (DHCP or static address, gateway, DNS, NTP, domain,
/// proxy) are replaced as one unit; cost, usage and labels stay the controller's. A port the controller
/// does not open for local changes is skipped with an error.</summary>
internal static class LocalNetworkMerge
{
    /// <summary>The "lps" DPC: the controller's DPC with the local port settings in it, ranked just above
    /// the DPC it was made from (or at <paramref name="now"/> if later), so it is tried first and falls back
    /// to the controller's own DPC if it cannot reach the controller. Null when no port was taken.</summary>
    public static DevicePortConfig? Merge(DevicePortConfig controllerDpc, LocalNetworkConfig local, DateTimeOffset now, List<string> errors)
    {
        var ports = controllerDpc.Ports.ToList();
        var taken = 0;
        foreach (var l in local.Ports)
        {
            var index = ports.FindIndex(p => p.LogicalLabel == l.LogicalLabel);
            if (index < 0)
            {
                errors.Add($"{l.LogicalLabel}: no port with that logical label in the controller's config");
                continue;
            }
            var port = ports[index];
            if (!port.AllowLocalModifications)
            {
                errors.Add($"{l.LogicalLabel}: the controller does not allow local modifications of this port (SystemAdapter.allow_local_modifications)");
                continue;
            }
            var address = l.IpAddresses.FirstOrDefault();
            if (!l.UseDhcp && (address == null || !DpcSources.IsCidr(address)))
            {
                errors.Add($"{l.LogicalLabel}: a static port needs its IPv4 address with prefix (e.g. 10.1.2.5/24), got '{address}'");
                continue;
            }
            ports[index] = port with
            {
                Dhcp = l.UseDhcp,
                AddrSubnet = l.UseDhcp ? null : address,
                Gateway = l.UseDhcp ? null : l.Gateways.FirstOrDefault(),
                DnsServers = [.. l.DnsServers],
                NtpServers = [.. l.NtpServers],
                DomainName = string.IsNullOrEmpty(l.DnsDomain) ? null : l.DnsDomain,
                Proxy = DpcSources.ProxyOf(l.ProxyConfig),
            };
            taken++;
        }
        if (taken == 0) return null;
        var time = controllerDpc.TimePriority.AddTicks(1) > now ? controllerDpc.TimePriority.AddTicks(1) : now;
        return new DevicePortConfig(DevicePortConfig.LocalOperatorKey, time, ports);
    }

    /// <summary>What the device tells the LPS (<c>NetworkInfo</c>): the controller's latest port config,
    /// whether the controller is reachable, the local config and its errors, and each port's state.</summary>
    public static NetworkInfo Report(DpcManagerState s, DevicePortConfig? controllerDpc, IReadOnlyDictionary<string, PortState> ports,
        LocalNetworkConfig? local, IReadOnlyList<string> errors)
    {
        var info = new NetworkInfo
        {
            IsUsingFallbackConfig = s.Current != null && s.Current.Key != DevicePortConfig.LocalOperatorKey && s.Current.Key != DevicePortConfig.ControllerKey,
            ConfigTesting = new NetworkConfigTestingStatus
            {
                ControllerReachable = s.Current is { WasWorking: true },
                ConnectivityError = s.LastError ?? "",
                TestingInProgress = s.Phase == DpcPhase.Testing,
            },
        };
        foreach (var p in controllerDpc?.Ports ?? [])
            info.LatestConfig.Add(PortConfig(p, s.Current?.Key == DevicePortConfig.ControllerKey));
        if (s.Current is { } current && current.Key != DevicePortConfig.ControllerKey)
            foreach (var p in current.Ports) info.FallbackConfig.Add(PortConfig(p, true));
        if (local != null || errors.Count > 0)
        {
            info.LocalConfig = new LocalNetworkConfigInfo { ErrorMessage = string.Join("; ", errors) };
            foreach (var l in local?.Ports ?? []) info.LocalConfig.Ports.Add(l.Clone());
        }
        foreach (var p in ports.Values)
        {
            var status = new NetworkPortStatus { InterfaceName = p.IfName, LogicalLabel = p.IfName, LinkUp = p.Up, DnsDomain = p.Domain ?? "" };
            status.IpAddresses.AddRange(p.Addresses);
            status.Gateways.AddRange(p.Routers);
            status.DnsServers.AddRange(p.DnsServers);
            info.PortStatus.Add(status);
        }
        return info;
    }

    private static NetworkPortConfig PortConfig(DpcPort p, bool applied)
    {
        var c = new NetworkPortConfig
        {
            LogicalLabel = p.LogicalLabel,
            PortAddresses = new NetworkPortAddresses { InterfaceName = p.IfName },
            UseDhcp = p.Dhcp,
            ConfigApplied = applied,
            DnsDomain = p.DomainName ?? "",
            LocalModificationsAllowed = p.AllowLocalModifications,
        };
        if (p.AddrSubnet != null) c.IpAddresses.Add(p.AddrSubnet);
        if (p.Gateway != null) c.Gateways.Add(p.Gateway);
        c.DnsServers.AddRange(p.DnsServers ?? []);
        c.NtpServers.AddRange(p.NtpServers ?? []);
        return c;
    }
}
