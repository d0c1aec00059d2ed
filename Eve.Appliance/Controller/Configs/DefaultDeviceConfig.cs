using Org.Lfedge.Eve.Common;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Controller.Configs;

/// <summary>
/// What a newly onboarded device runs until an operator assigns a config: its own id, DHCP on its
/// management port, and the timers. That way /config answers 200 from the very first poll.
/// </summary>
internal static class DefaultDeviceConfig
{
    public const string ManagementNetworkId = "6605d17b-3273-4108-8e6e-4965441ebe01";

    public static EdgeDevConfig For(string deviceId, ControllerOptions options)
    {
        var config = new EdgeDevConfig
        {
            Id = new UUIDandVersion { Uuid = deviceId, Version = "1" },
        };
        config.Networks.Add(new NetworkConfig
        {
            Id = ManagementNetworkId,
            Type = NetworkType.V4,
            Ip = new ipspec { Dhcp = DHCPType.Client },
        });
        config.DeviceIoList.Add(new PhysicalIO
        {
            Ptype = PhyIoType.PhyIoNetEth,
            Phylabel = "eth0",
            Logicallabel = "eth0",
            Usage = PhyIoMemberUsage.PhyIoUsageMgmtAndApps,
            Phyaddrs = { ["ifname"] = "eth0" },
        });
        config.SystemAdapterList.Add(new SystemAdapter { Name = "eth0", Uplink = true, NetworkUUID = ManagementNetworkId });
        config.ConfigItems.Add(new ConfigItem { Key = "timer.config.interval", Value = options.DefaultConfigIntervalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        foreach (var (k, v) in options.DefaultConfigItems)
        {
            var existing = config.ConfigItems.FirstOrDefault(i => i.Key == k);
            if (existing != null) existing.Value = v;
            else config.ConfigItems.Add(new ConfigItem { Key = k, Value = v });
        }
        return config;
    }
}
