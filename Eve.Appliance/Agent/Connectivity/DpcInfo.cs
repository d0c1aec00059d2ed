using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Agent.Connectivity;

/// <summary>The DPC list as device info reports it (<c>ZInfoDevice.systemAdapter</c>): every DPC with
/// its test history and ports, and the index of the one in use.</summary>
internal static class DpcInfo
{
    public static SystemAdapterInfo ToSystemAdapterInfo(DpcManagerState state, IReadOnlyDictionary<string, PortState>? ports = null)
    {
        var info = new SystemAdapterInfo { CurrentIndex = (uint)Math.Max(state.CurrentIndex, 0) };
        foreach (var d in state.List)
        {
            var status = new DevicePortStatus
            {
                Version = 1,
                Key = d.Key,
                TimePriority = Timestamp.FromDateTimeOffset(d.TimePriority),
                LastError = d.LastError ?? "",
            };
            if (d.LastFailed is { } f) status.LastFailed = Timestamp.FromDateTimeOffset(f);
            if (d.LastSucceeded is { } ok) status.LastSucceeded = Timestamp.FromDateTimeOffset(ok);
            foreach (var p in d.Ports)
            {
                var port = new DevicePort
                {
                    Ifname = p.IfName,
                    Name = p.LogicalLabel,
                    IsMgmt = p.IsMgmt,
                    Cost = p.Cost,
                    DhcpType = p.Dhcp ? 4u : 1u, // EVE's DHCPType: Client = 4, Static = 1
                    Subnet = p.AddrSubnet ?? "",
                    Gateway = p.Gateway ?? "",
                    Domainname = p.DomainName ?? "",
                    NtpServer = p.NtpServers is [var ntp, ..] ? ntp : "",
                };
                port.DnsServers.AddRange(p.DnsServers ?? []);
                // What the last test saw is reported on the DPC it tested (the current one, or the one that failed).
                if (ports != null && (ReferenceEquals(d, state.Current) || ReferenceEquals(d, state.UnderTest)) && ports.TryGetValue(p.IfName, out var seen))
                    AddObserved(port, seen);
                status.Ports.Add(port);
            }
            info.Status.Add(status);
        }
        return info;
    }

    /// <summary>EVE's per-port network info (<c>ZInfoDevice.network</c>): addresses, routers, DNS, up, error.</summary>
    public static ZInfoNetwork ToNetworkInfo(PortState s, bool uplink)
    {
        var n = new ZInfoNetwork { DevName = s.IfName, LocalName = s.IfName, Ipv4Up = s.Up, Uplink = uplink };
        n.IPAddrs.AddRange(s.Addresses.Select(a => a.Split('/')[0]));
        n.DefaultRouters.AddRange(s.Routers);
        n.Dns = new ZInfoDNS { DNSdomain = s.Domain ?? "" };
        n.Dns.DNSservers.AddRange(s.DnsServers);
        if (!s.Ok) n.NetworkErr = new ErrorInfo { Description = s.Verdict, Timestamp = Timestamp.FromDateTimeOffset(s.TestedAt) };
        return n;
    }

    private static void AddObserved(DevicePort port, PortState seen)
    {
        port.Up = seen.Up;
        port.IPAddrs.AddRange(seen.Addresses.Select(a => a.Split('/')[0]));
        port.DefaultRouters.AddRange(seen.Routers);
        if (port.DnsServers.Count == 0) port.DnsServers.AddRange(seen.DnsServers);
        if (!seen.Ok) port.Err = new ErrorInfo { Description = seen.Verdict, Timestamp = Timestamp.FromDateTimeOffset(seen.TestedAt) };
    }
}
