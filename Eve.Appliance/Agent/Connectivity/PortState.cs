namespace Eve.Appliance.Agent.Connectivity;

/// <summary>What the last connectivity test saw on one port: its addresses (IPv4 from DHCP/static,
/// IPv6 from SLAAC), default router, DNS servers, the proxy in force and the verdict in words.</summary>
internal sealed record PortState(
    string IfName,
    bool Up,
    IReadOnlyList<string> Addresses,
    IReadOnlyList<string> Routers,
    IReadOnlyList<string> DnsServers,
    string? Domain,
    string? Proxy,
    bool Ok,
    string Verdict,
    DateTimeOffset TestedAt);
