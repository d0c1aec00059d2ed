using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Agent.Connectivity;

/// <summary>The DPC list as device info reports it (<c>ZInfoDevice.systemAdapter</c>): every DPC with
/// its test history and ports, and the index of the one in use.</summary>
internal static class DpcInfo
{
    public static SystemAdapterInfo ToSystemAdapterInfo(DpcManagerState state)
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
                status.Ports.Add(port);
            }
            info.Status.Add(status);
        }
        return info;
    }
}
