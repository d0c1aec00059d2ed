using Eve.Appliance.Agent.Networks;
using Org.Lfedge.Eve.Common;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Tests.Agent.Networks;

/// <summary>Builders for EVE config messages as a controller would send them.</summary>
internal static class NetworkConfigs
{
    public static NetworkInstanceConfig Local(string uuid, string subnet, string? port, string name = "net")
    {
        var ni = new NetworkInstanceConfig
        {
            Uuidandversion = new UUIDandVersion { Uuid = uuid, Version = "1" },
            Displayname = name,
            InstType = ZNetworkInstType.ZnetInstLocal,
            Activate = true,
            IpType = AddressType.Ipv4,
            Ip = new ipspec { Subnet = subnet },
        };
        if (port != null) ni.Port = new Adapter { Name = port };
        return ni;
    }

    public static NetworkInstanceConfig Switch(string uuid, string? port, string name = "sw")
    {
        var ni = new NetworkInstanceConfig
        {
            Uuidandversion = new UUIDandVersion { Uuid = uuid, Version = "1" },
            Displayname = name,
            InstType = ZNetworkInstType.ZnetInstSwitch,
            Activate = true,
        };
        if (port != null) ni.Port = new Adapter { Name = port };
        return ni;
    }

    public static ACE Ace(string name, ACEAction? action = null, params (string Type, string Value)[] matches)
    {
        var ace = new ACE { Name = name };
        foreach (var (t, v) in matches) ace.Matches.Add(new ACEMatch { Type = t, Value = v });
        if (action != null) ace.Actions.Add(action);
        return ace;
    }

    public static ACE AllowAll() => Ace("all", null, ("ip", "0.0.0.0/0"));

    public static AppNetworkInterface Nic(string appUuid, string appName, string networkUuid, IEnumerable<ACE> acls,
        string? netns = null, string? addr = null, string? mac = null)
    {
        var adapter = new NetworkAdapter { Name = "eth0", NetworkId = networkUuid, Addr = addr ?? "", MacAddress = mac ?? "" };
        adapter.Acls.AddRange(acls);
        return new AppNetworkInterface(appUuid, appName, 0, adapter,
            netns != null ? AppVifKind.Veth : AppVifKind.Tap, netns);
    }
}
