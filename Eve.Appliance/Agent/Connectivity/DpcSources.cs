using System.Globalization;
using System.Net;
using System.Text.Json;
using Org.Lfedge.Eve.Common;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Agent.Connectivity;

/// <summary>Builds DPCs from the places EVE takes them from: the controller's config, the
/// <c>override.json</c>/<c>usb.json</c> files, and the last-resort "DHCP on every eth*".</summary>
internal static class DpcSources
{
    /// <summary>The controller's DPC: one port per <c>SystemAdapter</c>, its interface name from the
    /// <c>PhysicalIO</c> with the same logical label (<c>phyaddrs["ifname"]</c>), its IP settings from
    /// the referenced <c>NetworkConfig</c>. Null when the config names no ports.</summary>
    public static DevicePortConfig? FromController(EdgeDevConfig config, DateTimeOffset timePriority)
    {
        if (config.SystemAdapterList.Count == 0) return null;
        var ports = new List<DpcPort>();
        foreach (var sa in config.SystemAdapterList)
        {
            var label = string.IsNullOrEmpty(sa.LowerLayerName) ? sa.Name : sa.LowerLayerName;
            var io = config.DeviceIoList.FirstOrDefault(p => p.Logicallabel == label);
            var ifName = io?.Phyaddrs.FirstOrDefault(kv => kv.Key.Equals("ifname", StringComparison.OrdinalIgnoreCase)).Value;
            if (string.IsNullOrEmpty(ifName)) ifName = io != null && !string.IsNullOrEmpty(io.Phylabel) ? io.Phylabel : label;
            var net = config.Networks.FirstOrDefault(n => n.Id == sa.NetworkUUID);
            ports.Add(PortOf(sa, ifName, net));
        }
        return new DevicePortConfig(DevicePortConfig.ControllerKey, timePriority, ports);
    }

    private static DpcPort PortOf(SystemAdapter sa, string ifName, NetworkConfig? net)
    {
        var ip = net?.Ip;
        var isStatic = ip?.Dhcp == DHCPType.Static;
        string? addr = null;
        if (isStatic && !string.IsNullOrEmpty(sa.Addr))
            addr = sa.Addr.Contains('/') ? sa.Addr : $"{sa.Addr}/{PrefixOf(ip!.Subnet)}";
        var ntp = new List<string>();
        if (!string.IsNullOrEmpty(ip?.Ntp)) ntp.Add(ip.Ntp);
        if (ip != null) ntp.AddRange(ip.MoreNtp);
        return new DpcPort(
            ifName, sa.Name, sa.Uplink, sa.Cost,
            Dhcp: ip == null || ip.Dhcp == DHCPType.Client,
            AddrSubnet: addr,
            Gateway: isStatic && !string.IsNullOrEmpty(ip!.Gateway) ? ip.Gateway : null,
            DnsServers: ip != null ? [.. ip.Dns] : [],
            NtpServers: ntp,
            DomainName: string.IsNullOrEmpty(ip?.Domain) ? null : ip.Domain,
            Proxy: ProxyOf(net?.EntProxy),
            AllowLocalModifications: sa.AllowLocalModifications);
    }

    private static int PrefixOf(string subnet)
    {
        var slash = subnet.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && int.TryParse(subnet.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 24;
    }

    internal static DpcProxy? ProxyOf(ProxyConfig? p)
    {
        if (p == null || (p.Proxies.Count == 0 && string.IsNullOrEmpty(p.Pacfile) && string.IsNullOrEmpty(p.NetworkProxyURL) && !p.NetworkProxyEnable && p.ProxyCertPEM.Count == 0))
            return null;
        return new DpcProxy(
            [.. p.Proxies.Select(s => new DpcProxyServer(ProtocolName(s.Proto), s.Server, s.Port))],
            string.IsNullOrEmpty(p.Exceptions) ? null : p.Exceptions,
            string.IsNullOrEmpty(p.Pacfile) ? null : p.Pacfile,
            string.IsNullOrEmpty(p.NetworkProxyURL) ? null : p.NetworkProxyURL,
            Wpad: p.NetworkProxyEnable && string.IsNullOrEmpty(p.NetworkProxyURL) && string.IsNullOrEmpty(p.Pacfile),
            CertPems: p.ProxyCertPEM.Count == 0 ? null : [.. p.ProxyCertPEM.Select(b => System.Text.Encoding.UTF8.GetString(b.Span))]);
    }

    /// <summary>The last resort: DHCP on every <c>eth*</c> the device has, each a management port.</summary>
    public static DevicePortConfig LastResort(IEnumerable<string> interfaceNames) => new(
        DevicePortConfig.LastResortKey, DateTimeOffset.UnixEpoch,
        [.. interfaceNames.Where(n => n.StartsWith("eth", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            .Select(n => new DpcPort(n, n, IsMgmt: true, Cost: 0, Dhcp: true))]);

    /// <summary>Reads EVE's <c>override.json</c>/<c>usb.json</c> shape (Go field names, embedded structs
    /// flattened, names matched case-insensitively):
    /// <code>
    /// { "Key": "override", "TimePriority": "2026-01-01T00:00:00Z",
    ///   "Ports": [ { "IfName": "eth0", "Logicallabel": "eth0", "IsMgmt": true, "Cost": 0,
    ///                "Dhcp": 4,                      // 4 = DHCP client, 1 = static, 2 = none
    ///                "AddrSubnet": "10.1.2.5/24", "Gateway": "10.1.2.1",
    ///                "DNSServers": ["10.1.2.1"], "NtpServer": "10.1.2.1", "DomainName": "lan",
    ///                "Proxies": [ { "Type": 0, "Server": "proxy", "Port": 3128 } ],  // 0 http, 1 https
    ///                "Exceptions": "", "Pacfile": "", "NetworkProxyURL": "" } ] }
    /// </code>
    /// A missing key becomes <paramref name="defaultKey"/>; a missing time priority becomes
    /// <paramref name="fallbackTime"/>.</summary>
    public static DevicePortConfig FromEveJson(string json, string defaultKey, DateTimeOffset fallbackTime)
    {
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var root = doc.RootElement;
        var key = Str(root, "Key") ?? defaultKey;
        var time = Str(root, "TimePriority") is { } t && DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            && parsed > DateTimeOffset.UnixEpoch ? parsed : fallbackTime;
        var ports = new List<DpcPort>();
        if (Prop(root, "Ports") is { ValueKind: JsonValueKind.Array } arr)
        {
            foreach (var p in arr.EnumerateArray())
            {
                var ifName = Str(p, "IfName") ?? throw new FormatException($"{defaultKey}.json: a port has no IfName");
                var dhcp = Prop(p, "Dhcp") is { ValueKind: JsonValueKind.Number } d ? d.GetInt32() : (int)DHCPType.Client;
                var ntp = Str(p, "NtpServer");
                ports.Add(new DpcPort(
                    ifName, Str(p, "Logicallabel") ?? ifName,
                    IsMgmt: Prop(p, "IsMgmt") is { ValueKind: JsonValueKind.True },
                    Cost: Prop(p, "Cost") is { ValueKind: JsonValueKind.Number } c ? c.GetUInt32() : 0,
                    Dhcp: dhcp == (int)DHCPType.Client,
                    AddrSubnet: dhcp == (int)DHCPType.Static ? Str(p, "AddrSubnet") : null,
                    Gateway: dhcp == (int)DHCPType.Static ? Str(p, "Gateway") : null,
                    DnsServers: Strings(p, "DNSServers"),
                    NtpServers: ntp != null ? [ntp] : [],
                    DomainName: Str(p, "DomainName"),
                    Proxy: JsonProxy(p)));
            }
        }
        return new DevicePortConfig(key, time, ports);
    }

    private static DpcProxy? JsonProxy(JsonElement p)
    {
        var servers = new List<DpcProxyServer>();
        if (Prop(p, "Proxies") is { ValueKind: JsonValueKind.Array } arr)
        {
            foreach (var s in arr.EnumerateArray())
            {
                var type = Prop(s, "Type") is { ValueKind: JsonValueKind.Number } ty ? ty.GetInt32() : 0;
                servers.Add(new DpcProxyServer(ProtocolName((proxyProto)type), Str(s, "Server") ?? "",
                    Prop(s, "Port") is { ValueKind: JsonValueKind.Number } port ? port.GetUInt32() : 0));
            }
        }
        var pac = Str(p, "Pacfile");
        var url = Str(p, "NetworkProxyURL");
        var enable = Prop(p, "NetworkProxyEnable") is { ValueKind: JsonValueKind.True };
        // Go marshals [][]byte as base64 strings; a PEM written by hand is taken as it is.
        var certs = Strings(p, "ProxyCertPEM").Select(FromBase64OrText).ToList();
        if (servers.Count == 0 && pac == null && url == null && !enable && certs.Count == 0) return null;
        return new DpcProxy(servers, Str(p, "Exceptions"), pac, url, Wpad: enable && pac == null && url == null, CertPems: certs.Count == 0 ? null : certs);
    }

    private static string FromBase64OrText(string s)
    {
        if (s.Contains("-----BEGIN", StringComparison.Ordinal)) return s;
        try
        {
            return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(s));
        }
        catch (FormatException)
        {
            return s;
        }
    }

    private static string ProtocolName(proxyProto p) => p switch
    {
        proxyProto.ProxyHttp => "http",
        proxyProto.ProxyHttps => "https",
        proxyProto.ProxySocks => "socks",
        proxyProto.ProxyFtp => "ftp",
        _ => "other",
    };

    private static JsonElement? Prop(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object) return null;
        foreach (var p in e.EnumerateObject())
            if (p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) return p.Value;
        return null;
    }

    private static string? Str(JsonElement e, string name) =>
        Prop(e, name) is { ValueKind: JsonValueKind.String } s && s.GetString() is { Length: > 0 } v ? v : null;

    private static List<string> Strings(JsonElement e, string name) =>
        Prop(e, name) is { ValueKind: JsonValueKind.Array } a
            ? [.. a.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!)]
            : [];

    /// <summary>True for an IPv4 CIDR such as <c>10.1.2.5/24</c>.</summary>
    public static bool IsCidr(string s) =>
        s.Split('/') is [var a, var p] && IPAddress.TryParse(a, out _) && int.TryParse(p, CultureInfo.InvariantCulture, out var n) && n is >= 0 and <= 32;
}
