namespace Eve.Appliance.Agent.Networks;

/// <summary>A device port a network instance may use as uplink: its logical label (what
/// <c>NetworkInstanceConfig.port.name</c> refers to), its interface, its cost (lower is preferred for
/// shared labels such as "uplink"), and the DNS servers it learnt (forwarded to by dnsmasq).</summary>
internal sealed record DevicePort(string Label, string IfName, int Cost = 0, IReadOnlyList<string>? DnsServers = null)
{
    public IReadOnlyList<string> Dns => DnsServers ?? [];
}
