using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Eve.Appliance.Platform.Net;

/// <summary>One dnsmasq serving DHCP and DNS on one bridge. Two configs are equal when they render the
/// same file, which is also what decides "restart" versus "adopt".</summary>
internal sealed record DnsmasqConfig(
    string Instance,
    string Interface,
    string ListenAddress,
    string RangeStart,
    string RangeEnd,
    string Netmask,
    TimeSpan LeaseTime,
    string? Router,
    IReadOnlyList<string> DnsServers,
    IReadOnlyList<string> UpstreamServers,
    string? Domain,
    IReadOnlyList<DhcpHost> StaticLeases,
    IReadOnlyList<DnsHostRecord> Hosts,
    IReadOnlyList<NftSetRule> NftSets,
    string? MetadataGateway = null)
{
    /// <summary>The configuration file for this instance with its files under <paramref name="dir"/>.</summary>
    public string Render(string dir)
    {
        var sb = new StringBuilder();
        sb.Append("# dnsmasq for network instance ").Append(Instance).Append(", written by eve-appliance\n");
        Line(sb, "interface", Interface);
        Line(sb, "bind-interfaces");
        Line(sb, "except-interface", "lo");
        Line(sb, "listen-address", ListenAddress);
        Line(sb, "user", "root"); // keeps write access to the lease file and CAP_NET_ADMIN for nftset
        Line(sb, "pid-file", Path.Combine(dir, "dnsmasq.pid"));
        Line(sb, "dhcp-leasefile", Path.Combine(dir, "dnsmasq.leases"));
        Line(sb, "log-facility", Path.Combine(dir, "dnsmasq.log"));
        Line(sb, "no-hosts");
        // Never read the namespace's resolv.conf: upstream DNS comes from the uplink, or there is none.
        Line(sb, "no-resolv");
        foreach (var s in UpstreamServers) Line(sb, "server", s);
        // Answering a lease takes ~3 s longer when dnsmasq ping-checks the address first (PLATFORM.md).
        Line(sb, "no-ping");
        Line(sb, "dhcp-authoritative");
        var lease = ((int)LeaseTime.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        Line(sb, "dhcp-range", $"{RangeStart},{RangeEnd},{Netmask},{lease}");
        // An empty router option tells clients there is no gateway (local-only instances).
        Line(sb, "dhcp-option", Router != null ? $"option:router,{Router}" : "option:router");
        // Without a router, apps still reach the metadata server (169.254.169.254) through the bridge:
        // a classless static route (option 121), which clients only honour in place of the router option.
        if (Router == null && MetadataGateway != null)
            Line(sb, "dhcp-option", $"option:classless-static-route,169.254.169.254/32,{MetadataGateway}");
        if (DnsServers.Count > 0) Line(sb, "dhcp-option", "option:dns-server," + string.Join(',', DnsServers));
        if (Domain != null)
        {
            Line(sb, "domain", Domain);
            Line(sb, "local", $"/{Domain}/");
        }
        foreach (var h in StaticLeases)
            Line(sb, "dhcp-host", h.Hostname != null ? $"{h.Mac},{h.Ip},{h.Hostname}" : $"{h.Mac},{h.Ip}");
        foreach (var h in Hosts) Line(sb, "host-record", $"{h.Name},{h.Ip}");
        foreach (var s in NftSets) Line(sb, "nftset", $"/{s.Domain}/4#inet#{s.Table}#{s.Set}");
        return sb.ToString();
    }

    /// <summary>SHA-256 of the rendered file, recorded beside the running process to recognise it later.</summary>
    public string Hash(string dir) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Render(dir))));

    public bool Equals(DnsmasqConfig? other) =>
        other is not null && Instance == other.Instance && Render("/") == other.Render("/");

    public override int GetHashCode() => Render("/").GetHashCode(StringComparison.Ordinal);

    private static void Line(StringBuilder sb, string key, string? value = null)
    {
        if (value != null && (value.Contains('\n') || value.Contains('\r')))
            throw new ArgumentException($"dnsmasq option {key}: value '{value}' contains a line break");
        sb.Append(key);
        if (value != null) sb.Append('=').Append(value);
        sb.Append('\n');
    }
}
